// roadbook:highlight-on-demand
// Stands in for mdBook's highlight.js (Highlight.js 10.1.1, 137 KB) on every
// page; mdBook uses a book's theme/highlight.js in place of its own. mdBook's
// book.js calls `hljs.configure` and then `hljs.highlightBlock` on every
// <code> of the page, but only a block with a `language-…` class gets
// colours: the others (inline code, plain blocks) are left as they are,
// since the configuration detects no language. So this stand-in loads the
// real highlighter (theme/highlight.full.js, which roadbook writes into the
// built book) only on a page with such a block, then gives it the
// configuration and the blocks it was handed, in order: the same colours,
// without the download on pages that have no code.
//
// Under Node (the unit tests) it exports its logic instead.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.hljs = api.standIn(root, document.currentScript);
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    /** Whether Highlight.js would colour `className`'s block: it names a language. */
    function namesLanguage(className) {
        return /(^|\s)(language|lang)-\S+/.test(String(className ?? ''))
            && !/(^|\s)(no-?highlight|language-plaintext)(\s|$)/.test(String(className ?? ''));
    }

    /** The real highlighter's URL, from this script's (mdBook puts it at the book's root). */
    function fullUrl(ownUrl) {
        return new URL('theme/highlight.full.js', ownUrl).href;
    }

    /** The `hljs` book.js talks to until the real one is there. */
    function standIn(win, ownScript) {
        const own = ownScript && ownScript.src ? ownScript.src : win.document.baseURI;
        let options = null;
        const queue = [];
        let loading = null;
        const load = () => {
            loading = loading ?? new Promise((resolve, reject) => {
                const script = win.document.createElement('script');
                script.src = fullUrl(own);
                script.onload = resolve;
                script.onerror = () => reject(new Error(`cannot load ${script.src}`));
                win.document.head.appendChild(script);
            }).then(() => {
                const real = win.hljs;
                if (options) real.configure(options);
                for (const block of queue.splice(0)) real.highlightBlock(block);
            });
            return loading;
        };
        return {
            roadbookStandIn: true,
            configure(opts) {
                options = opts;
            },
            highlightBlock(block) {
                if (!namesLanguage(block.className)) return;
                queue.push(block);
                load();
            },
        };
    }

    return { namesLanguage, fullUrl, standIn };
});
