// The arithmetic of a study plan: which weeks a study track keeps, how many
// calendar days each roadmap week and each of its day blocks gets, their
// dates from a start date, where "today" falls, and the hours planned
// against the hours logged. Pure functions over the data the build writes
// into the page (`<script type="application/json" id="roadbook-plan-data">`,
// see crates/roadbook/src/plan_page.rs); theme/plan.js draws them.
//
// Dates are whole days: a day number counts days since 1970-01-01 and is
// converted with Date.UTC and the getUTC* methods only, so no time zone or
// daylight-saving change can move a date. The learner's "today" is their
// local calendar date (`localDay`), taken once and then a day number too.
//
// Classic script (modules do not load from file://): it defines
// `window.roadbookPlanModel`; under Node it exports the same object.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.roadbookPlanModel = api;
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    const DAY_MS = 86400000;
    const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
    const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
        'September', 'October', 'November', 'December'];

    /** The day number of `YYYY-MM-DD`, or null when it is no real date. */
    function parseDate(text) {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typeof text === 'string' ? text.trim() : '');
        if (!m) {
            return null;
        }
        const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
        const ms = Date.UTC(year, month - 1, day);
        const back = new Date(ms);
        if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
            return null;
        }
        return Math.round(ms / DAY_MS);
    }

    /** `YYYY-MM-DD` of a day number. */
    function formatDate(day) {
        const d = new Date(day * DAY_MS);
        const pad = (n, w) => String(n).padStart(w, '0');
        return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
    }

    /** The day number of the calendar date `date` shows where it is read (local time). */
    function localDay(date) {
        return Math.round(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / DAY_MS);
    }

    /** 0 for Monday … 6 for Sunday. */
    function weekday(day) {
        return (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    }

    /** The first Monday on or after `day`. */
    function mondayFrom(day) {
        return day + ((7 - weekday(day)) % 7);
    }

    /** `Mon 5 Jan 2026`: a day for people, in English like the book. */
    function describeDay(day, withYear) {
        const d = new Date(day * DAY_MS);
        const name = WEEKDAYS[weekday(day)];
        const text = `${name[0].toUpperCase()}${name.slice(1, 3)} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()].slice(0, 3)}`;
        return withYear === false ? text : `${text} ${d.getUTCFullYear()}`;
    }

    /** `Mon 5 – Tue 6 Jan 2026` for a range of days (inclusive). */
    function describeRange(first, last) {
        if (first === last) {
            return describeDay(first);
        }
        const sameYear = new Date(first * DAY_MS).getUTCFullYear() === new Date(last * DAY_MS).getUTCFullYear();
        return `${describeDay(first, !sameYear)} – ${describeDay(last)}`;
    }

    /**
     * `Mon 5 – Thu 8 Jan`, `Fri 30 Jan – Mon 2 Feb`, `Sat 10 Jan`: a range
     * of days without the year, short enough for a phone's table cell.
     */
    function describeShortRange(first, last) {
        if (first === last) {
            return describeDay(first, false);
        }
        const a = new Date(first * DAY_MS);
        const b = new Date(last * DAY_MS);
        if (a.getUTCMonth() === b.getUTCMonth() && a.getUTCFullYear() === b.getUTCFullYear()) {
            const name = WEEKDAYS[weekday(first)];
            return `${name[0].toUpperCase()}${name.slice(1, 3)} ${a.getUTCDate()} – ${describeDay(last, false)}`;
        }
        return `${describeDay(first, false)} – ${describeDay(last, false)}`;
    }

    /**
     * How many days a block heading's weekdays span: `Monday-Tuesday` 2,
     * `Friday-Weekend` 3 (Friday to Sunday), `Wednesday` 1; null when the
     * heading names no weekday.
     */
    function blockSpan(days) {
        const words = String(days || '').toLowerCase().match(/[a-z]+/g) || [];
        const found = [];
        for (const word of words) {
            if (word === 'weekend' || word === 'weekends') {
                found.push(5, 6);
            } else {
                const at = WEEKDAYS.findIndex((name) => word === name || (word.length >= 3 && name.startsWith(word)));
                if (at >= 0) {
                    found.push(at);
                }
            }
        }
        if (found.length === 0) {
            return null;
        }
        const first = Math.min(...found);
        const last = Math.max(...found);
        return last - first + 1;
    }

    /**
     * `total` split into whole parts in proportion to `weights` (largest
     * remainder; a tie goes to the earlier part). The parts sum to `total`.
     */
    function share(total, weights) {
        const sum = weights.reduce((a, b) => a + b, 0);
        if (weights.length === 0) {
            return [];
        }
        if (sum <= 0) {
            return share(total, weights.map(() => 1));
        }
        const exact = weights.map((w) => (total * w) / sum);
        const parts = exact.map(Math.floor);
        let left = total - parts.reduce((a, b) => a + b, 0);
        const order = exact
            .map((x, i) => [x - Math.floor(x), i])
            .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
        for (let k = 0; left > 0; k = (k + 1) % order.length, left -= 1) {
            parts[order[k][1]] += 1;
        }
        return parts;
    }

    /** The track of `data` with ID `id`, or null (null, unknown: the default plan). */
    function findTrack(data, id) {
        if (id === null || id === undefined) {
            return null;
        }
        return (data.tracks || []).find((t) => t.id === id) || null;
    }

    /**
     * The roadmap weeks a track keeps, in order, each `{week, focus}`, and
     * the week numbers it leaves out. The default plan keeps them all. A
     * track leaves out the weeks it skips; when its timeline is shorter than
     * the whole plan and it names weeks to focus on, those weeks are the
     * plan ("6-8 weeks … Focus on Essentials: Weeks 1, 3, 5, 11-12").
     */
    function planWeeks(data, track) {
        const weeks = data.weeks || [];
        if (!track) {
            return { kept: weeks.map((week) => ({ week, focus: false })), left: [] };
        }
        const skip = new Set(track.skip || []);
        const focus = new Set(track.focus || []);
        const compressed = track.duration && track.duration.max < weeks.length;
        const keep = (w) => !skip.has(w.number) && (!compressed || focus.size === 0 || focus.has(w.number));
        return {
            kept: weeks.filter(keep).map((week) => ({ week, focus: focus.has(week.number) })),
            left: weeks.filter((w) => !keep(w)).map((w) => w.number),
        };
    }

    /**
     * How many calendar days each kept week gets, as an array parallel to
     * `kept`. Without a duration every week gets its 7 days. A track's
     * timeline (its shortest: "16-20 weeks" is 16) sets the total: a longer
     * one keeps every week's 7 days and gives the extra days to the focus
     * weeks (to all kept weeks when it focuses on none or on all of them);
     * a shorter one shares the days out evenly. No week gets fewer days than
     * it has blocks.
     */
    function weekLengths(kept, track) {
        const n = kept.length;
        const floor = kept.map((k) => Math.max(1, (k.week.blocks || []).length));
        const natural = n * 7;
        const total = track && track.duration ? track.duration.min * 7 : natural;
        if (total >= natural) {
            const focused = kept.map((k) => (k.focus ? 1 : 0));
            const some = focused.some((f) => f === 1);
            const extra = share(total - natural, some ? focused : kept.map(() => 1));
            return extra.map((e) => 7 + e);
        }
        const lengths = share(Math.max(total, floor.reduce((a, b) => a + b, 0)), kept.map(() => 1));
        return lengths.map((len, i) => Math.max(len, floor[i]));
    }

    /**
     * The days of each block of a week of `length` days, by the weekdays
     * their headings span (7 days: Monday-Tuesday 2, Wednesday-Thursday 2,
     * Friday-Weekend 3), stretched or shrunk in proportion, at least 1 each.
     */
    function blockLengths(blocks, length) {
        if (blocks.length === 0) {
            return [];
        }
        const spans = blocks.map((b) => blockSpan(b.days));
        const weights = spans.every((s) => s !== null) ? spans : blocks.map(() => 1);
        const parts = share(length, weights);
        // A block shrunk to nothing takes a day from the longest one.
        for (let i = 0; i < parts.length; i += 1) {
            while (parts[i] < 1) {
                const longest = parts.indexOf(Math.max(...parts));
                if (parts[longest] <= 1) {
                    break;
                }
                parts[longest] -= 1;
                parts[i] += 1;
            }
        }
        return parts;
    }

    /**
     * The hours a track plans per 7 days: its own daily practice ("3-4
     * hours daily" is 21-28) or the roadmap's weekly effort; null when the
     * roadmap states none.
     */
    function pace(data, track) {
        if (track && track.daily_hours) {
            return { min: track.daily_hours.min * 7, max: track.daily_hours.max * 7 };
        }
        return data.hours || null;
    }

    /**
     * The plan data of a big book's home page (`{book, title, hours,
     * tracks, shapes, runs, ids}`: runs `[first, last, shape]` of week
     * numbers whose blocks have the day names `shapes[shape]`, `ids` the
     * week IDs that are not `wNN`) as the plan page's data: each week
     * `{id, number, name, title, path, blocks: [{days}], sketch: true}`,
     * its name `Week N`, without title, path or block topics until
     * `withDetails` gives them.
     */
    function expandShapes(data) {
        const weeks = [];
        const pad = (n) => (n < 10 ? '0' + n : String(n));
        for (const [first, last, shape] of data.runs) {
            for (let n = first; n <= last; n += 1) {
                weeks.push({
                    id: (data.ids && data.ids[n]) || 'w' + pad(n),
                    number: n,
                    name: 'Week ' + n,
                    title: '',
                    path: '',
                    blocks: data.shapes[shape].map((days) => ({ id: '', days, topic: '' })),
                    sketch: true,
                });
            }
        }
        return { book: data.book, title: data.title, hours: data.hours, tracks: data.tracks, weeks };
    }

    /** A sketched week with its name, title, path and blocks from its data record (book_data.rs). */
    function withDetails(week, record) {
        return {
            id: week.id,
            number: week.number,
            name: record.name,
            title: record.title,
            path: record.path,
            blocks: (record.blocks || []).map((b) => ({ id: b.id, days: b.days, topic: b.topic })),
        };
    }

    /**
     * The schedule of `plan` (`{track, start}`, the shape kept under the
     * store's `plan` key; track null is the default plan, start null an
     * undated plan): every kept week with its day offset and length, each
     * block likewise, dates when there is a start, the planned minutes (a
     * focus week of a track without a timeline plans the top of the hours'
     * range: that is its "more time"), and the weeks left out.
     */
    function schedule(data, plan) {
        const track = findTrack(data, plan && plan.track);
        const start = plan ? parseDate(plan.start) : null;
        const { kept, left } = planWeeks(data, track);
        const lengths = weekLengths(kept, track);
        const rate = pace(data, track);
        const stretched = Boolean(track && track.duration);
        let offset = 0;
        const weeks = kept.map((k, i) => {
            const length = lengths[i];
            const blocks = k.week.blocks || [];
            let inner = offset;
            const blockDays = blockLengths(blocks, length);
            const entry = {
                week: k.week,
                focus: k.focus,
                offset,
                length,
                first: start === null ? null : start + offset,
                last: start === null ? null : start + offset + length - 1,
                // A focus week of a track without a timeline gets its
                // extra time as hours: the top of the range.
                planned: rate === null ? null : {
                    min: Math.round(((k.focus && !stretched ? rate.max : rate.min) * 60 * length) / 7),
                    max: Math.round((rate.max * 60 * length) / 7),
                },
                blocks: blocks.map((block, j) => {
                    const b = {
                        block,
                        offset: inner,
                        length: blockDays[j],
                        first: start === null ? null : start + inner,
                        last: start === null ? null : start + inner + blockDays[j] - 1,
                    };
                    inner += blockDays[j];
                    return b;
                }),
            };
            offset += length;
            return entry;
        });
        return {
            track,
            start,
            days: offset,
            end: start === null ? null : start + offset - 1,
            weeks,
            left,
            pace: rate,
        };
    }

    /**
     * Where `today` (a day number) falls in a dated schedule: `{state:
     * 'undated'}`, `{state: 'before', days}` (days until the start),
     * `{state: 'during', week, block}` or `{state: 'after', days}` (days
     * since the end).
     */
    function locate(plan, today) {
        if (plan.start === null || plan.weeks.length === 0) {
            return { state: 'undated' };
        }
        if (today < plan.start) {
            return { state: 'before', days: plan.start - today };
        }
        if (today > plan.end) {
            return { state: 'after', days: today - plan.end };
        }
        const week = plan.weeks.find((w) => today >= w.first && today <= w.last);
        const block = week.blocks.find((b) => today >= b.first && today <= b.last) || null;
        return { state: 'during', week, block };
    }

    /**
     * Logged minutes against the plan: per kept week `{week, planned,
     * logged}` and the totals. `logged(weekId)` gives the minutes stored for
     * a week (0 when none).
     */
    function timeReport(plan, logged) {
        const rows = plan.weeks.map((w) => ({ week: w.week, planned: w.planned, logged: logged(w.week.id) || 0 }));
        const total = {
            logged: rows.reduce((a, r) => a + r.logged, 0),
            planned: plan.pace === null ? null : {
                min: rows.reduce((a, r) => a + r.planned.min, 0),
                max: rows.reduce((a, r) => a + r.planned.max, 0),
            },
        };
        return { rows, total };
    }

    /** `2 h 30 min`, `45 min`, `10 h` for minutes. */
    function describeMinutes(minutes) {
        const h = Math.floor(minutes / 60);
        const m = minutes % 60;
        if (h === 0) {
            return `${m} min`;
        }
        return m === 0 ? `${h} h` : `${h} h ${m} min`;
    }

    /** `10-15 h` for a planned range of minutes (halves of an hour). */
    function describePlanned(planned) {
        const half = (m) => {
            const h = Math.round(m / 30) / 2;
            return Number.isInteger(h) ? String(h) : h.toFixed(1);
        };
        const [a, b] = [half(planned.min), half(planned.max)];
        return a === b ? `${a} h` : `${a}-${b} h`;
    }

    /**
     * Minutes from what a learner typed: `90`, `1:30`, `1.5h`, `2 h 15 min`,
     * `45m`; null when it is not a duration. A bare number is minutes.
     */
    function parseMinutes(text) {
        const t = String(text || '').trim().toLowerCase();
        if (t === '') {
            return null;
        }
        let m = /^(\d+):([0-5]\d)$/.exec(t);
        if (m) {
            return Number(m[1]) * 60 + Number(m[2]);
        }
        m = /^(?:(\d+(?:[.,]\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?)?)?)?$/.exec(t);
        if (m && (m[1] || m[2])) {
            const hours = m[1] ? Number(m[1].replace(',', '.')) : 0;
            return Math.round(hours * 60) + (m[2] ? Number(m[2]) : 0);
        }
        if (/^\d+$/.test(t)) {
            return Number(t);
        }
        return null;
    }

    return {
        parseDate, formatDate, localDay, weekday, mondayFrom, describeDay, describeRange, describeShortRange,
        blockSpan, share, findTrack, planWeeks, weekLengths, blockLengths, pace, schedule,
        locate, timeReport, describeMinutes, describePlanned, parseMinutes, expandShapes, withDetails,
    };
});
