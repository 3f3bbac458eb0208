// roadbook:highlight-on-demand
// Stands in for mdBook's highlight.js (which a book's theme/highlight.js
// replaces). book.js calls `hljs.configure`, then `hljs.highlightBlock` on
// every <code>; only a block naming a language gets colours. On a page with
// one, this loads theme/highlight/core.js (Highlight.js's library and a
// table: language name or alias -> file), then the files of the languages
// named (cut by roadbook build, each with what it needs), then hands the
// real hljs the configuration and the blocks, in order. See theme/README.md.
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

    /** The language Highlight.js reads from `block` (its languageDetectRe), lower case; or null. */
    function languageOf(block) {
        const classes = `${block.className ?? ''} ${block.parentNode?.className ?? ''}`;
        const match = /\blang(?:uage)?-([\w-]+)\b/i.exec(classes);
        return match ? match[1].toLowerCase() : null;
    }

    /** The files of `table` (name or alias -> file) the `blocks` need, each once, in block order. */
    function filesFor(blocks, table) {
        const files = [];
        for (const block of blocks) {
            const name = languageOf(block);
            const file = name && table && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : null;
            if (file && !files.includes(file)) files.push(file);
        }
        return files;
    }

    /** A piece's URL, from this script's (mdBook puts it at the book's root). */
    function pieceUrl(file, ownUrl) {
        return new URL(`theme/highlight/${file}`, ownUrl).href;
    }

    /** The `hljs` book.js talks to until the real one is there. */
    function standIn(win, ownScript) {
        const own = ownScript && ownScript.src ? ownScript.src : win.document.baseURI;
        let options = null;
        const queue = [];
        const requested = new Set();
        let core = null;
        let running = null;
        // In the order added (async off): a language two files share registers from the first.
        const add = (file) => new Promise((resolve, reject) => {
            const script = win.document.createElement('script');
            script.src = pieceUrl(file, own);
            script.async = false;
            script.onload = resolve;
            script.onerror = () => reject(new Error(`cannot load ${script.src}`));
            win.document.head.appendChild(script);
        });
        const run = async () => {
            core = core ?? add('core.js');
            await core;
            while (queue.length > 0) {
                const files = filesFor(queue, win.roadbookHighlightFiles).filter((f) => !requested.has(f));
                for (const file of files) requested.add(file);
                // A file that fails to load leaves its language plain, not the others.
                await Promise.allSettled(files.map(add));
                const real = win.hljs;
                if (options) real.configure(options);
                for (const block of queue.splice(0)) real.highlightBlock(block);
            }
        };
        const start = () => {
            running = running ?? run().then(() => {
                running = null;
                if (queue.length > 0) start();
            }, (err) => {
                running = null;
                throw err;
            });
            return running;
        };
        return {
            roadbookStandIn: true,
            configure(opts) {
                options = opts;
            },
            highlightBlock(block) {
                if (!namesLanguage(block.className)) return;
                queue.push(block);
                start();
            },
        };
    }

    return { namesLanguage, languageOf, filesFor, pieceUrl, standIn };
});
