// Diagrams readable on a phone: every rendered Mermaid diagram gets an
// "Open full size" button that shows it in a dialog at its own size, where it
// pans by scrolling (touch, mouse wheel, the arrow keys once the diagram has
// focus) and zooms with the + and − buttons or the + - 0 keys. Esc or the
// close button puts it back. The diagram's SVG is moved into the dialog and
// back, not copied, so its ids (which its styles use) stay unique.
//
// Loaded only on pages with a diagram, by mermaid-init.js after Mermaid has
// rendered them; it defines `window.roadbookDiagrams`. Under Node (the unit
// tests) it exports its arithmetic instead.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.roadbookDiagrams = api;
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    /** The zoom levels, as factors of the diagram's own size. */
    const levels = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];

    /** The next zoom level from `scale` in `direction` (+1 in, -1 out), clamped. */
    function zoomStep(scale, direction) {
        if (direction > 0) return levels.find((l) => l > scale + 1e-9) ?? levels[levels.length - 1];
        return [...levels].reverse().find((l) => l < scale - 1e-9) ?? levels[0];
    }

    /** The level that fits `width` into `available` pixels, at most 1 (own size). */
    function fitScale(width, available) {
        if (!(width > 0) || !(available > 0)) return 1;
        const fit = Math.min(1, available / width);
        return [...levels].reverse().find((l) => l <= fit) ?? levels[0];
    }

    /** Width and height of an SVG's `viewBox` attribute ("x y w h"), or null. */
    function viewBoxSize(viewBox) {
        const parts = String(viewBox ?? '').trim().split(/[\s,]+/).map(Number);
        if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[2] <= 0 || parts[3] <= 0) {
            return null;
        }
        return { width: parts[2], height: parts[3] };
    }

    /** What a key does in the viewer: 'in', 'out', 'reset' or null. */
    function keyAction(key) {
        if (key === '+' || key === '=') return 'in';
        if (key === '-' || key === '_') return 'out';
        if (key === '0') return 'reset';
        return null;
    }

    function button(doc, text, label) {
        const b = doc.createElement('button');
        b.type = 'button';
        b.className = 'roadbook-diagram-button';
        b.textContent = text;
        if (label) b.setAttribute('aria-label', label);
        return b;
    }

    /** One dialog per page, filled with a diagram when opened. */
    function viewer(doc) {
        const dialog = doc.createElement('dialog');
        dialog.className = 'roadbook-diagram-dialog';
        dialog.setAttribute('aria-label', 'Diagram, full size');
        const bar = doc.createElement('div');
        bar.className = 'roadbook-diagram-toolbar';
        const zoomOut = button(doc, '−', 'Zoom out');
        const zoomIn = button(doc, '+', 'Zoom in');
        const reset = button(doc, '1:1', 'Own size');
        const level = doc.createElement('span');
        level.className = 'roadbook-diagram-level';
        level.setAttribute('aria-live', 'polite');
        const close = button(doc, 'Close', 'Close the diagram');
        bar.append(zoomOut, zoomIn, reset, level, close);
        const pane = doc.createElement('div');
        pane.className = 'roadbook-diagram-pane';
        pane.tabIndex = 0;
        pane.setAttribute('role', 'region');
        pane.setAttribute('aria-label', 'Diagram: arrow keys pan, + and - zoom, 0 own size');
        dialog.append(bar, pane);
        doc.body.appendChild(dialog);

        let state = null; // { svg, home, size, scale }
        const apply = () => {
            const { svg, size, scale } = state;
            svg.setAttribute('width', String(Math.round(size.width * scale)));
            svg.setAttribute('height', String(Math.round(size.height * scale)));
            level.textContent = `${Math.round(scale * 100)} %`;
        };
        const zoom = (action) => {
            if (!state || !action) return;
            state.scale = action === 'reset' ? 1 : zoomStep(state.scale, action === 'in' ? 1 : -1);
            apply();
        };
        zoomIn.addEventListener('click', () => zoom('in'));
        zoomOut.addEventListener('click', () => zoom('out'));
        reset.addEventListener('click', () => zoom('reset'));
        close.addEventListener('click', () => dialog.close());
        dialog.addEventListener('keydown', (event) => {
            // mdBook's page keys (arrows turn the page, s searches) stay out of the viewer.
            event.stopPropagation();
            if (event.target.tagName === 'BUTTON' && (event.key === ' ' || event.key === 'Enter')) return;
            const action = keyAction(event.key);
            if (action) {
                event.preventDefault();
                zoom(action);
            }
        });
        dialog.addEventListener('close', () => {
            if (!state) return;
            const { svg, home, saved } = state;
            for (const [name, value] of saved) {
                if (value === null) svg.removeAttribute(name);
                else svg.setAttribute(name, value);
            }
            home.pre.insertBefore(svg, home.next);
            home.opener.focus();
            state = null;
        });

        return function open(pre, opener) {
            const svg = pre.querySelector('svg');
            if (!svg || state) return;
            const size = viewBoxSize(svg.getAttribute('viewBox'))
                ?? { width: svg.getBoundingClientRect().width || 800, height: svg.getBoundingClientRect().height || 600 };
            const saved = ['width', 'height', 'style'].map((name) => [name, svg.getAttribute(name)]);
            state = { svg, size, saved, home: { pre, next: svg.nextSibling, opener }, scale: 1 };
            svg.removeAttribute('style');
            pane.appendChild(svg);
            dialog.showModal();
            state.scale = fitScale(size.width, pane.clientWidth - 16);
            apply();
            pane.focus();
        };
    }

    /** Gives every rendered diagram of `doc` its "Open full size" button. */
    function enhance(doc) {
        let open = null;
        for (const pre of doc.querySelectorAll('pre.mermaid')) {
            if (!pre.querySelector('svg') || pre.nextElementSibling?.classList.contains('roadbook-diagram-open')) {
                continue;
            }
            open = open ?? viewer(doc);
            const opener = button(doc, 'Open full size ⤢', null);
            opener.classList.add('roadbook-diagram-open');
            opener.setAttribute('aria-label', 'Open the diagram full size, to pan and zoom');
            const show = open;
            opener.addEventListener('click', () => show(pre, opener));
            pre.insertAdjacentElement('afterend', opener);
        }
    }

    return { levels, zoomStep, fitScale, viewBoxSize, keyAction, enhance };
});
