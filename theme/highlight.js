// roadbook:highlight-on-demand
// Stands in for mdBook's highlight.js (Highlight.js 10.1.1, 137 KB, 48
// languages) on every page; mdBook uses a book's theme/highlight.js in place
// of its own. mdBook's book.js calls `hljs.configure` and then
// `hljs.highlightBlock` on every <code> of the page, but only a block with a
// `language-…` class gets colours: the others (inline code, plain blocks)
// are left as they are, since the configuration detects no language.
//
// roadbook build cuts the highlighter into theme/highlight/core.js (the
// library and a table of every language name and alias to its file) and
// one file per language holding everything that language needs. So on a
// page with such a block this stand-in loads core.js, then the files of the
// languages its blocks name (`language-rs` -> rust.js), then gives the real
// highlighter the configuration and the blocks it was handed, in order: the
// same colours, with the download of the languages the page shows only.
// A name the table lacks loads no file, and Highlight.js leaves that block
// plain, as the whole highlighter did. When roadbook could not cut the
// highlighter (a book ships another one), core.js is all of it and its
// table is empty: one file, as before.
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

    /**
     * The language name Highlight.js reads from `block`: its own pattern
     * (`languageDetectRe`) over the block's and its parent's classes, lower
     * case as `getLanguage` looks names up; null when there is none.
     */
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
        // Scripts added here run in the order they are added (async off), so
        // a language shared by two files registers from the first.
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
                // A language whose file fails to load stays plain; the others are coloured.
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
