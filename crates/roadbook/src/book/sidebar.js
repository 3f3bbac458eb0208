// roadbook's part of the sidebar (crates/roadbook/src/book/sidebar.rs): the
// chapter list below is cut to a byte budget; the rest is in toc/N-*.js,
// classic scripts that call roadbookToc.piece(N, html). A page's own pieces
// are <script> tags after this one, so they are here before the sidebar
// element is parsed and mdBook's code below finds the page's link in place;
// the others load when their placeholder comes into view in the sidebar
// (a folded entry's is hidden until the reader expands it).
window.roadbookToc = (function () {
    'use strict';
    const shell = SHELL;
    const names = [NAMES];
    const current = document.currentScript;
    const base = (current && current.src ? current.src.replace(/[^/?#]*(?:[?#].*)?$/, '') : path_to_root) + 'toc/';
    const pieces = {};
    const requested = {};
    let box = null;
    let observer = null;

    /** `html` with each placeholder whose piece is here replaced by it. */
    function assemble(html) {
        const placeholder = /<(ol|li)(?: class="section")? data-roadbook-piece="(\d+)"[^>]*><\/\1>/g;
        return html.replace(placeholder, (whole, tag, n) => {
            if (!Object.prototype.hasOwnProperty.call(pieces, n)) return whole;
            const inner = assemble(pieces[n]);
            return tag === 'ol' ? `<ol class="section">${inner}</ol>` : inner;
        });
    }

    /** Loads piece `n` (once; again after a failure, when next in view). */
    function load(n) {
        if (requested[n] || Object.prototype.hasOwnProperty.call(pieces, n) || !names[n]) return;
        requested[n] = true;
        const script = document.createElement('script');
        script.src = `${base}${names[n]}.js`;
        script.onerror = () => {
            delete requested[n];
            script.remove();
        };
        document.head.appendChild(script);
    }

    function watch(placeholder) {
        const n = placeholder.getAttribute('data-roadbook-piece');
        if (observer) observer.observe(placeholder);
        else load(n);
    }

    // What mdBook's code does for the fold toggles it finds.
    function toggleSection(ev) {
        ev.currentTarget.parentElement.parentElement.classList.toggle('expanded');
    }

    /** Piece `n` arrived: keep it, and put it in the sidebar if it is there. */
    function piece(n, html) {
        pieces[n] = html;
        const at = box && box.querySelector(`[data-roadbook-piece="${n}"]`);
        if (!at) return;
        const template = document.createElement('template');
        template.innerHTML = assemble(at.outerHTML);
        const made = template.content;
        // As mdBook's code does for the list it sets: links from the root.
        for (const link of made.querySelectorAll('a')) {
            const href = link.getAttribute('href');
            if (href && !href.startsWith('#') && !/^(?:[a-z+]+:)?\/\//.test(href)) {
                link.href = path_to_root + href;
            }
        }
        for (const toggle of made.querySelectorAll('.chapter-fold-toggle')) {
            toggle.addEventListener('click', toggleSection);
        }
        const inside = Array.from(made.querySelectorAll('[data-roadbook-piece]'));
        if (observer) observer.unobserve(at);
        at.replaceWith(made);
        inside.forEach(watch);
        // For the scripts that decorate the sidebar's links (progress.js).
        box.dispatchEvent(new CustomEvent('roadbook-toc-piece', { bubbles: true, detail: { piece: Number(n) } }));
    }

    /** The list for the sidebar element `element`, with the pieces here. */
    function html(element) {
        box = element;
        if (observer) observer.disconnect();
        observer = 'IntersectionObserver' in window
            ? new IntersectionObserver((entries) => {
                for (const entry of entries) {
                    if (entry.isIntersecting) load(entry.target.getAttribute('data-roadbook-piece'));
                }
            }, { root: element, rootMargin: '400px 0px' })
            : null;
        // After mdBook's code has set the list and marked the page's link.
        queueMicrotask(() => element.querySelectorAll('[data-roadbook-piece]').forEach(watch));
        return assemble(shell);
    }

    return { html, piece };
})();

