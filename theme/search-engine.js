// roadbook's in-browser search engine, over the index `roadbook build`
// writes into `search/` (see crates/search/src/browser_index.rs). The search
// bar (theme/search.js, on every page) loads it on the first search, so a
// page that is only read never downloads it.
//
// The index is made of the same records as `roadbook search`'s tantivy
// index and this engine ranks as its searcher does (BM25 with the same field
// boosts, phrases, exclusions, `prefix*`, typo tolerance, week words, one
// result per page), so the two find the same things. Its files are classic
// scripts that call `roadbookSearchShard(name, data)`: they load by
// `<script>` injection from file:// as over http, one shard at a time as a
// query needs them.
//
// Loaded as a classic script, it defines `window.roadbookSearchEngine`.
// Under Node (the unit tests and the differential test against the terminal
// search) it exports the same: `createEngine(load)` where `load(name)`
// resolves to a file's data, and the query parser and decoders it uses.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.roadbookSearchEngine = api;
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    const K1 = 1.2;
    const B = 0.75;
    const VERSION = 2;
    const PREFIX_WORDS = 20;
    const ID_BOOST = 20;
    const WEEK_BOOST = 1.5;
    const THE_WEEK_BOOST = 10;
    const PHRASE_BOOST = 1.5;
    const NEAR_BOOST = 0.8;
    const CLASS_UNIT = ['section', 'section', 'item', 'code'];

    // ---- Numbers and text -------------------------------------------------

    const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const DIGIT_VALUE = new Map(Array.from(DIGITS, (c, i) => [c, i]));

    /** The base-64 variable-length quantities of `text`. */
    function decodeVlq(text) {
        const out = [];
        let n = 0;
        let shift = 0;
        for (const c of text) {
            const digit = DIGIT_VALUE.get(c);
            n += (digit & 31) * 2 ** shift;
            if (digit & 32) {
                shift += 5;
            } else {
                out.push(n);
                n = 0;
                shift = 0;
            }
        }
        return out;
    }

    /** Running sums of `text`'s quantities (increasing numbers from deltas). */
    function decodeDeltas(text) {
        let total = 0;
        return decodeVlq(text).map((d) => (total += d));
    }

    const ENCODER = typeof TextEncoder === 'function' ? new TextEncoder() : null;
    const byteLength = (s) => (ENCODER ? ENCODER.encode(s).length : s.length);

    /**
     * The words of `text` as tantivy's default tokenizer cuts them: runs of
     * letters and digits, lower-cased, those of 40 bytes or more dropped.
     */
    function tokenize(text) {
        const out = [];
        for (const m of String(text).matchAll(/[\p{Alphabetic}\p{N}]+/gu)) {
            if (byteLength(m[0]) < 40) out.push(m[0].toLowerCase());
        }
        return out;
    }

    /** Optimal string alignment distance (strsim's `osa_distance`). */
    function osaDistance(a, b) {
        const s = Array.from(a);
        const t = Array.from(b);
        const rows = s.length + 1;
        const cols = t.length + 1;
        const d = Array.from({ length: rows }, (_, i) => {
            const row = new Array(cols).fill(0);
            row[0] = i;
            return row;
        });
        for (let j = 0; j < cols; j += 1) d[0][j] = j;
        for (let i = 1; i < rows; i += 1) {
            for (let j = 1; j < cols; j += 1) {
                const cost = s[i - 1] === t[j - 1] ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[rows - 1][cols - 1];
    }

    // ---- The query language (crates/search/src/query.rs) -----------------

    /**
     * `{include, exclude}`, each a list of `{word, prefix}` or `{phrase}`:
     * words, "quoted phrases", -exclusions (and NOT), prefix*. Never fails.
     */
    function parseQuery(query) {
        const parsed = { include: [], exclude: [] };
        const chars = Array.from(query);
        let i = 0;
        while (i < chars.length) {
            if (/\s/u.test(chars[i])) {
                i += 1;
                continue;
            }
            let negated = false;
            while (i < chars.length && (chars[i] === '-' || chars[i] === '+' || chars[i] === '!')) {
                negated = negated || chars[i] !== '+';
                i += 1;
            }
            if (i >= chars.length) break;
            let closing = -1;
            if (chars[i] === '"') closing = chars.indexOf('"', i + 1);
            if (chars[i] === '"' && closing < 0) {
                i += 1;
                continue;
            }
            let clause;
            if (closing >= 0) {
                const text = chars.slice(i + 1, closing).join('').trim();
                i = closing + 1;
                if (!text) continue;
                clause = { phrase: text };
            } else {
                const start = i;
                while (i < chars.length && !/\s/u.test(chars[i]) && chars[i] !== '"') i += 1;
                const raw = chars.slice(start, i).join('');
                const prefix = raw.endsWith('*');
                const text = raw.replace(/\*+$/u, '');
                if (!text) continue;
                if (!negated && ['AND', 'OR', '&&', '||'].includes(text)) continue;
                if (!negated && text === 'NOT') {
                    const next = parseQuery(chars.slice(i).join('').trimStart());
                    if (next.include.length) parsed.exclude.push(next.include[0]);
                    parsed.include.push(...next.include.slice(1));
                    parsed.exclude.push(...next.exclude);
                    return parsed;
                }
                clause = { word: text, prefix };
            }
            (negated ? parsed.exclude : parsed.include).push(clause);
        }
        return parsed;
    }

    /**
     * Week numbers the query names (`week 7`, `week-7`, `w07`) and the
     * positions of the clauses naming them (searcher/ranking.rs's `week_hints`).
     */
    function weekHints(parsed) {
        const words = parsed.include.map((c) => (c.word !== undefined && !c.prefix ? c.word.toLowerCase() : null));
        const number = (n) => (/^\d{1,2}$/u.test(n) ? Number(n) : null);
        const weeks = [];
        const used = [];
        words.forEach((word, i) => {
            if (word === null) return;
            if (word === 'week') {
                const next = words[i + 1];
                const n = next ? number(next) : null;
                if (n !== null) {
                    weeks.push(n);
                    used.push(i, i + 1);
                }
                return;
            }
            let rest = null;
            if (word.startsWith('week-')) rest = word.slice(5);
            else if (word.startsWith('week')) rest = word.slice(4);
            else if (word.startsWith('w')) rest = word.slice(1);
            const n = rest === null ? null : number(rest);
            if (n !== null) {
                weeks.push(n);
                used.push(i);
            }
        });
        return { weeks: [...new Set(weeks)].sort((a, b) => a - b), used };
    }

    // ---- Score maps: doc → score, a doc present when it matched ----------

    function sumInto(target, source, factor = 1) {
        for (const [doc, score] of source) target.set(doc, (target.get(doc) || 0) + score * factor);
        return target;
    }

    function anyOf(maps) {
        const out = new Map();
        for (const m of maps) sumInto(out, m);
        return out;
    }

    // ---- The engine ---------------------------------------------------------

    /**
     * A search engine over the files `load(name)` resolves to (`manifest`,
     * `t-N`, `v-L`, `d-N`, `f-k-N`, `f-w-W`).
     */
    async function createEngine(load) {
        const manifest = await load('manifest');
        if (!manifest || manifest.version !== VERSION) {
            throw new Error('the search index is of another roadbook version: rebuild the book');
        }
        const n = manifest.documents;
        const norms = decodeDeltas(manifest.norms);
        const boosts = manifest.boosts;
        const rank = manifest.rank;
        const keys = manifest.terms;
        const keySet = new Map(keys.map((k, i) => [k, i]));
        const docShardFirsts = decodeDeltas(manifest.docs);
        const groupOf = new Uint32Array(n);
        {
            let doc = 0;
            decodeVlq(manifest.groups).forEach((length, group) => {
                for (let i = 0; i < length; i += 1) groupOf[doc++] = group;
            });
        }
        const tfCache = manifest.average.map((average) =>
            norms.map((norm) => K1 * (1 - B + (B * norm) / (average || 1))));

        const files = new Map();
        function file(name) {
            if (!files.has(name)) {
                const promise = Promise.resolve(load(name));
                promise.catch(() => files.delete(name));
                files.set(name, promise);
            }
            return files.get(name);
        }

        /** The shard number of `key`: its longest listed prefix. */
        function shardOf(key) {
            let best = keySet.get('') ?? 0;
            let prefix = '';
            for (const c of Array.from(key).slice(0, 4)) {
                prefix += c;
                if (keySet.has(prefix)) best = keySet.get(prefix);
            }
            return best;
        }
        const termShard = (key) => file(`t-${shardOf(key)}`);

        /** `[df, stem]` of a word of the book, or null. */
        async function wordInfo(word) {
            const entry = (await termShard(word)).w[word];
            if (!entry) return null;
            return [entry[0], entry.length > 1 ? entry[1] : word];
        }

        const decoded = new Map();
        /** A stem's postings per field: `{doc: {cls, norm, tf, positions}}` maps. */
        async function postings(stem) {
            if (decoded.has(stem)) return decoded.get(stem);
            const raw = (await termShard(stem)).s[stem];
            const fields = [];
            for (const list of (raw || ',,,').split(',')) {
                const numbers = decodeVlq(list);
                const docs = new Map();
                let doc = 0;
                for (let i = 0; i < numbers.length;) {
                    doc += numbers[i];
                    const normClass = numbers[i + 1];
                    const tf = numbers[i + 2];
                    const positions = [];
                    let position = 0;
                    for (let j = 0; j < tf; j += 1) {
                        position += numbers[i + 3 + j];
                        positions.push(position);
                    }
                    docs.set(doc, { norm: normClass >> 2, cls: normClass & 3, tf, positions });
                    i += 3 + tf;
                }
                fields.push(docs);
            }
            decoded.set(stem, fields);
            return fields;
        }

        const classOf = new Map();
        const idf = (df) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
        const bm25 = (field, idfSum, norm, tf) => idfSum * (1 + K1) * (tf / (tf + tfCache[field][norm]));

        /** One stem in every ranked field, with the field boosts. */
        async function termQuery(stem, boost) {
            const out = new Map();
            const fields = await postings(stem);
            fields.forEach((docs, field) => {
                if (!docs.size) return;
                const weight = idf(docs.size);
                for (const [doc, p] of docs) {
                    classOf.set(doc, p.cls);
                    out.set(doc, (out.get(doc) || 0) + bm25(field, weight, p.norm, p.tf) * boosts[field] * boost);
                }
            });
            return out;
        }

        /** Stems in this order in one field, in every ranked field. */
        async function phraseQuery(stems, boost) {
            if (stems.length === 0) return null;
            if (stems.length === 1) return termQuery(stems[0], boost);
            const lists = await Promise.all(stems.map(postings));
            const out = new Map();
            for (let field = 0; field < boosts.length; field += 1) {
                const perStem = lists.map((fields) => fields[field]);
                if (perStem.some((docs) => docs.size === 0)) continue;
                const idfSum = perStem.reduce((sum, docs) => sum + idf(docs.size), 0);
                const [first, ...rest] = perStem;
                for (const [doc, p] of first) {
                    if (!rest.every((docs) => docs.has(doc))) continue;
                    const others = rest.map((docs) => new Set(docs.get(doc).positions));
                    const count = p.positions.filter((start) =>
                        others.every((set, k) => set.has(start + k + 1))).length;
                    if (!count) continue;
                    classOf.set(doc, p.cls);
                    out.set(doc, (out.get(doc) || 0) + bm25(field, idfSum, p.norm, count) * boosts[field] * boost);
                }
            }
            return out;
        }

        /** The stems of `text` (a word the book lacks stands for itself). */
        async function stems(text) {
            const words = tokenize(text);
            const infos = await Promise.all(words.map(wordInfo));
            return words.map((word, i) => (infos[i] ? infos[i][1] : word));
        }

        /** Whether every word of `text` occurs in the book. */
        async function isKnown(text) {
            const words = tokenize(text);
            const infos = await Promise.all(words.map(wordInfo));
            return words.length > 0 && infos.every(Boolean);
        }

        /** A word across the ranked fields; `e-commerce` as a phrase plus its parts. */
        async function wordQuery(text, boost) {
            const s = await stems(text);
            if (s.length === 0) return null;
            if (s.length === 1) return termQuery(s[0], boost);
            const parts = [await phraseQuery(s, boost)];
            for (const stem of s) parts.push(await termQuery(stem, boost * 0.5));
            return anyOf(parts);
        }

        /** Words of the book within one or two typos of `text`, most frequent first. */
        async function nearWords(text) {
            const word = text.toLowerCase();
            const length = Array.from(word).length;
            if (length < 4 || /^\d+$/u.test(word)) return [];
            const max = length >= 8 ? 2 : 1;
            const bytes = byteLength(word);
            const lengths = manifest.vocabulary.filter((l) => Math.abs(l - bytes) <= max);
            const found = [];
            for (const list of await Promise.all(lengths.map((l) => file(`v-${l}`)))) {
                for (const [candidate, df] of list) {
                    if (candidate === word) continue;
                    const distance = osaDistance(candidate, word);
                    if (distance <= max) found.push([distance, df, candidate]);
                }
            }
            found.sort((a, b) => a[0] - b[0] || b[1] - a[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
            return found.slice(0, 3).map((f) => f[2]);
        }

        /** Words of the book that start with `prefix`, most frequent first. */
        async function prefixWords(prefix) {
            const p = prefix.toLowerCase();
            const shards = new Set([shardOf(p)]);
            keys.forEach((key, i) => {
                if (key.length > p.length && key.startsWith(p)) shards.add(i);
            });
            const found = [];
            for (const shard of await Promise.all([...shards].map((i) => file(`t-${i}`)))) {
                for (const [word, entry] of Object.entries(shard.w)) {
                    if (word.startsWith(p)) found.push([entry[0], word]);
                }
            }
            found.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1));
            return found.slice(0, PREFIX_WORDS).map((f) => f[1]);
        }

        // The filters' files: the documents of one kind (`f-k-N`, by its
        // place in the manifest) or one week (`f-w-W`), each with its weight
        // class, so a document found by a filter alone is ranked too.
        async function facet(name) {
            const numbers = decodeVlq(await file(`f-${name}`));
            const docs = [];
            let doc = 0;
            for (let i = 0; i < numbers.length; i += 2) {
                doc += numbers[i];
                classOf.set(doc, numbers[i + 1]);
                docs.push(doc);
            }
            return docs;
        }
        function ofKind(kind) {
            const i = manifest.kinds.indexOf(kind);
            return i < 0 ? Promise.resolve([]) : facet(`k-${i}`);
        }
        function inWeek(week) {
            return manifest.weeks.includes(week) ? facet(`w-${week}`) : Promise.resolve([]);
        }
        async function inWeeks([first, last]) {
            const docs = new Set();
            for (const week of manifest.weeks) {
                if (week >= first && week <= last) for (const doc of await inWeek(week)) docs.add(doc);
            }
            return docs;
        }

        /** The scored documents of one pass (searcher/ranking.rs's `build_query`). */
        async function scored(parsed, raw, filters, fuzzyAll) {
            const should = [];
            const plainStems = [];
            const { weeks, used } = weekHints(parsed);
            for (let i = 0; i < parsed.include.length; i += 1) {
                if (used.includes(i)) continue;
                const clause = parsed.include[i];
                if (clause.phrase !== undefined) {
                    const q = await phraseQuery(await stems(clause.phrase), PHRASE_BOOST);
                    if (q) should.push(q);
                } else if (clause.prefix) {
                    const alternatives = [];
                    for (const word of await prefixWords(clause.word)) {
                        const q = await wordQuery(word, 1);
                        if (q) alternatives.push(q);
                    }
                    if (alternatives.length) should.push(anyOf(alternatives));
                } else {
                    const known = await isKnown(clause.word);
                    const alternatives = [];
                    const q = await wordQuery(clause.word, 1);
                    if (q) alternatives.push(q);
                    if (!known || fuzzyAll) {
                        for (const candidate of await nearWords(clause.word)) {
                            const near = await wordQuery(candidate, NEAR_BOOST);
                            if (near) alternatives.push(near);
                        }
                        // As the reader types, the last word may be unfinished.
                        if (!known && clause.last && Array.from(clause.word).length >= 3) {
                            for (const word of await prefixWords(clause.word)) {
                                const more = await wordQuery(word, NEAR_BOOST);
                                if (more) alternatives.push(more);
                            }
                        }
                    }
                    if (known) plainStems.push(...(await stems(clause.word)));
                    if (alternatives.length) should.push(anyOf(alternatives));
                }
            }
            if (should.length >= 2) {
                const bonus = new Map();
                for (const doc of should[0].keys()) {
                    if (should.every((m) => m.has(doc))) bonus.set(doc, rank.allWordsBonus);
                }
                should.push(bonus);
            }
            if (plainStems.length >= 2) {
                const q = await phraseQuery(plainStems, 1);
                if (q) should.push(q);
            }
            const hasText = should.length > 0;
            for (const week of weeks) {
                const docs = await inWeek(week);
                should.push(new Map(docs.map((doc) => [doc, WEEK_BOOST])));
                if (!hasText) {
                    const weekKind = new Set(await ofKind('week'));
                    should.push(new Map(docs.filter((d) => weekKind.has(d)).map((d) => [d, THE_WEEK_BOOST])));
                }
            }
            const hasPositive = should.length > 0;
            const trimmed = raw.trim();
            if (trimmed && !/\s/u.test(trimmed)) {
                const entry = (await termShard(trimmed)).i[trimmed];
                if (entry) {
                    const numbers = decodeVlq(entry);
                    const ids = new Map();
                    let doc = 0;
                    for (let i = 0; i < numbers.length; i += 2) {
                        doc += numbers[i];
                        classOf.set(doc, numbers[i + 1]);
                        ids.set(doc, ID_BOOST);
                    }
                    should.push(ids);
                }
            }
            const hasFilter = Boolean(filters.kind) || Boolean(filters.weeks);
            let scores;
            if (hasPositive) {
                scores = anyOf(should);
            } else if (hasFilter || parsed.exclude.length) {
                // Every document a filter lets through (every kind's, which
                // is every document, for exclusions alone).
                scores = new Map();
                const all = filters.kind
                    ? await ofKind(filters.kind)
                    : filters.weeks
                      ? await inWeeks(filters.weeks)
                      : (await Promise.all(manifest.kinds.map(ofKind))).flat();
                for (const doc of all) scores.set(doc, 1);
            } else {
                return null;
            }
            if (filters.kind) {
                const kept = new Set(await ofKind(filters.kind));
                for (const doc of [...scores.keys()]) if (!kept.has(doc)) scores.delete(doc);
            }
            if (filters.weeks) {
                const kept = await inWeeks(filters.weeks);
                for (const doc of [...scores.keys()]) if (!kept.has(doc)) scores.delete(doc);
            }
            for (const clause of parsed.exclude) {
                const q = await phraseQuery(await stems(clause.phrase ?? clause.word), 1);
                if (q) for (const doc of q.keys()) scores.delete(doc);
            }
            const weights = rank.weights;
            const out = [];
            for (const [doc, score] of scores) {
                out.push({ doc, score: (score * weights[classOf.get(doc) ?? 1]) / 100 });
            }
            return out;
        }

        /** One result per page (searcher/ranking.rs's `group`). */
        function group(hits, groupCode) {
            const groups = [];
            const index = new Map();
            for (const hit of hits) {
                const unit = CLASS_UNIT[classOf.get(hit.doc) ?? 1];
                const key = unit === 'section' || (unit === 'code' && groupCode) ? groupOf[hit.doc] : null;
                if (key !== null && index.has(key)) {
                    const g = groups[index.get(key)];
                    if (g.unit === 'section' && g.spread < rank.pageSpreadSections) {
                        g.score += hit.score * rank.pageSpread;
                        g.spread += 1;
                    }
                } else {
                    if (key !== null) index.set(key, groups.length);
                    groups.push({ doc: hit.doc, score: hit.score, unit, spread: 0 });
                }
            }
            return groups.sort((a, b) => b.score - a.score);
        }

        async function pass(parsed, raw, filters, limit, fuzzy) {
            const found = await scored(parsed, raw, filters, fuzzy);
            if (!found) return [];
            found.sort((a, b) => b.score - a.score || a.doc - b.doc);
            const candidates = Math.max(limit * 4, rank.candidates);
            const grouped = group(found.slice(0, candidates), filters.kind !== 'code');
            return grouped.map((g) => ({ doc: g.doc, score: g.score, fuzzy }));
        }

        /**
         * The `limit` best results for `query`: `[{doc, score, fuzzy}]`.
         * `filters`: `{kind, weeks: [from, to]}`. `typing`: the last word
         * may be unfinished (matched as a prefix when the book lacks it).
         */
        async function search(query, filters = {}, limit = 10, typing = false) {
            const parsed = parseQuery(query);
            if (typing && !/\s$/u.test(query)) {
                const last = parsed.include[parsed.include.length - 1];
                if (last && last.word !== undefined && !last.prefix) last.last = true;
            }
            limit = Math.max(1, Math.min(limit, 10000));
            let hits = (await pass(parsed, query, filters, limit, false)).slice(0, limit);
            const hasWords = parsed.include.some((c) => c.word !== undefined && !c.prefix);
            if (hits.length < Math.min(rank.fewResults, limit) && hasWords) {
                const seen = new Set(hits.map((h) => h.doc));
                const more = await pass(parsed, query, filters, limit, true);
                hits = hits.concat(more.filter((h) => !seen.has(h.doc))).slice(0, limit);
            }
            return hits;
        }

        /** What a result shows: `{url, title, heading, kind, id, weeks, text}`. */
        async function doc(number) {
            let shard = 0;
            while (shard + 1 < docShardFirsts.length && docShardFirsts[shard + 1] <= number) shard += 1;
            const data = await file(`d-${shard}`);
            const [url, title, heading, kind, id, weeks, text] = data.docs[number - data.first];
            return { url, title, heading, kind, id, weeks, text };
        }

        return { search, doc, manifest, nearWords, prefixWords, files };
    }

    return { createEngine, parseQuery, weekHints, tokenize, osaDistance, decodeVlq, decodeDeltas };
});
