// Learner progress for roadbook books: ticked checkboxes survive a reload.
//
// Every `<input type="checkbox" data-progress-id="ID">` is made clickable and
// its state is kept in localStorage under `roadbook-progress:ID` (IDs are the
// roadmap's stable IDs, so progress follows an item across rebuilds). Task-list
// checkboxes that mdBook renders disabled (`- [ ]`) inside an element carrying
// `data-progress-id` use that ID; other task-list checkboxes are enabled and
// kept under the page path and their position. An element
// `<span data-progress-summary>` shows "done/total done" for the page; with a
// value (`data-progress-summary="w01"`) it counts only IDs starting with it.
// A box ticked in the HTML (`- [x]` in the roadmap) starts ticked; only a
// learner's change from that is stored. No network, works from file://;
// without localStorage it still ticks.
(() => {
    'use strict';

    const PREFIX = 'roadbook-progress:';
    const storage = (() => {
        try {
            const probe = PREFIX + '__probe';
            window.localStorage.setItem(probe, '1');
            window.localStorage.removeItem(probe);
            return window.localStorage;
        } catch (e) {
            return null;
        }
    })();

    // A box ticked in the roadmap (`- [x]`) starts ticked: `initial` is its
    // state in the HTML. Only a state that differs from it is stored ('done'
    // or 'open'), so editing the roadmap moves every learner who has not
    // touched the box.
    const load = (id, initial) => {
        const saved = storage === null ? null : storage.getItem(PREFIX + id);
        return saved === null ? initial : saved === 'done';
    };
    const save = (id, done, initial) => {
        if (storage === null) {
            return;
        }
        try {
            if (done === initial) {
                storage.removeItem(PREFIX + id);
            } else {
                storage.setItem(PREFIX + id, done ? 'done' : 'open');
            }
        } catch (e) {
            // Quota or privacy mode: the tick still shows on this page.
        }
    };

    // The page path relative to the book root, the same from file:// and http.
    const pagePath = () => {
        const root = typeof path_to_root === 'string' ? path_to_root : '';
        const depth = root.split('/').filter((part) => part === '..').length;
        const parts = window.location.pathname.split('/').filter((part) => part !== '');
        return parts.slice(Math.max(parts.length - depth - 1, 0)).join('/');
    };

    const boxes = [];
    let anonymous = 0;
    for (const box of document.querySelectorAll('main input[type="checkbox"]')) {
        let id = box.getAttribute('data-progress-id');
        if (id === null) {
            const owner = box.closest('[data-progress-id]');
            if (owner !== null) {
                id = owner.getAttribute('data-progress-id');
            } else if (box.disabled) {
                // A plain `- [ ]` task of a hand-written page.
                anonymous += 1;
                id = pagePath() + '#task-' + anonymous;
            } else {
                continue;
            }
        }
        box.disabled = false;
        box.removeAttribute('disabled');
        box.classList.add('roadbook-progress');
        box.checked = load(id, box.defaultChecked);
        box.dataset.progressKey = id;
        boxes.push(box);
    }

    const summarise = () => {
        for (const summary of document.querySelectorAll('[data-progress-summary]')) {
            const prefix = summary.getAttribute('data-progress-summary') || '';
            const counted = boxes.filter((box) => box.dataset.progressKey.startsWith(prefix));
            const done = counted.filter((box) => box.checked).length;
            summary.textContent = done + '/' + counted.length + ' done';
            summary.classList.toggle('roadbook-progress-complete', counted.length > 0 && done === counted.length);
        }
    };

    for (const box of boxes) {
        box.addEventListener('change', () => {
            // The same ID may appear twice on a page (a week page and its index).
            for (const other of boxes) {
                if (other.dataset.progressKey === box.dataset.progressKey) {
                    other.checked = box.checked;
                }
            }
            save(box.dataset.progressKey, box.checked, box.defaultChecked);
            summarise();
        });
    }

    // Another tab ticked something: follow it.
    window.addEventListener('storage', (event) => {
        if (event.key === null || !event.key.startsWith(PREFIX)) {
            return;
        }
        for (const box of boxes) {
            box.checked = load(box.dataset.progressKey, box.defaultChecked);
        }
        summarise();
    });

    summarise();
})();
