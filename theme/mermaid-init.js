// This Source Code Form is subject to the terms of the Mozilla Public
// License, v. 2.0. If a copy of the MPL was not distributed with this
// file, You can obtain one at https://mozilla.org/MPL/2.0/.
//
// Derived from mdbook-mermaid 0.17.1's mermaid-init.js. roadbook's change:
// Mermaid (2.6 MB) loads only on a page that has a diagram. This small
// script is on every page (book.toml's additional-js); where it finds a
// `pre.mermaid` it adds a <script> for mermaid.min.js and the diagram viewer
// (diagram-viewer.js: open a diagram full size, pan and zoom), which roadbook
// writes next to it in the built book. A <script> element loads from file://
// as well as over http. A book that still lists mermaid.min.js in
// additional-js keeps working: Mermaid is then already there.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        api.start(root.document, document.currentScript);
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    const darkThemes = ['ayu', 'navy', 'coal'];
    const lightThemes = ['light', 'rust'];

    /** The scripts loaded on demand, in order, by file name next to this one. */
    const onDemand = ['mermaid.min.js', 'diagram-viewer.js'];

    /** Whether the page has a diagram for Mermaid to render. */
    function hasDiagram(doc) {
        return doc.querySelector('pre.mermaid') !== null;
    }

    /** Mermaid's theme for the page's mdBook theme classes. */
    function mermaidTheme(classes) {
        return Array.from(classes).some((c) => darkThemes.includes(c)) ? 'dark' : 'default';
    }

    /**
     * The URL of `name` in the folder of the script at `ownUrl` (the hashed
     * theme/mermaid-init-….js), whatever the page's depth.
     */
    function besideScript(ownUrl, name) {
        return new URL(name, ownUrl).href;
    }

    function loadScript(doc, src) {
        return new Promise((resolve, reject) => {
            const script = doc.createElement('script');
            script.src = src;
            script.onload = resolve;
            script.onerror = () => reject(new Error(`cannot load ${src}`));
            doc.head.appendChild(script);
        });
    }

    function render(doc, win) {
        const light = mermaidTheme(doc.documentElement.classList) === 'default';
        win.mermaid.initialize({ startOnLoad: false, theme: light ? 'default' : 'dark' });
        // Mermaid reads the theme once: re-render in the new one by reloading.
        for (const dark of darkThemes) {
            const button = doc.getElementById('mdbook-theme-' + dark);
            if (button) button.addEventListener('click', () => light && win.location.reload());
        }
        for (const lightTheme of lightThemes) {
            const button = doc.getElementById('mdbook-theme-' + lightTheme);
            if (button) button.addEventListener('click', () => !light && win.location.reload());
        }
        return win.mermaid.run({ querySelector: 'pre.mermaid' });
    }

    /** Loads what the page's diagrams need and renders them; nothing without one. */
    async function start(doc, ownScript) {
        if (!hasDiagram(doc)) return;
        const win = doc.defaultView;
        const own = ownScript && ownScript.src ? ownScript.src : doc.baseURI;
        for (const name of onDemand) {
            if (name === 'mermaid.min.js' && win.mermaid) continue;
            await loadScript(doc, besideScript(own, name));
        }
        await render(doc, win);
        if (win.roadbookDiagrams) win.roadbookDiagrams.enhance(doc);
    }

    return { hasDiagram, mermaidTheme, besideScript, onDemand, start };
});
