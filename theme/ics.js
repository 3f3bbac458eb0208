// The study plan as an iCalendar file (RFC 5545): one all-day event per day
// block of every dated week, with UIDs made of the block's stable ID and the
// book's, so importing the file again updates the events instead of adding
// copies. Lines end in CRLF and are folded at 75 octets; TEXT values are
// escaped; dates are VALUE=DATE (no time, so no time zone can move them).
//
// Classic script (modules do not load from file://): it defines
// `window.roadbookIcs`; under Node it exports the same object.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.roadbookIcs = api;
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    const DAY_MS = 86400000;
    const CRLF = '\r\n';

    /** A TEXT value escaped (RFC 5545 3.3.11): backslash, `;`, `,`, newlines. */
    function escapeText(text) {
        return String(text)
            .replace(/\\/g, '\\\\')
            .replace(/;/g, '\\;')
            .replace(/,/g, '\\,')
            .replace(/\r\n|\r|\n/g, '\\n');
    }

    /** How many octets `ch` takes in UTF-8. */
    function octets(ch) {
        const c = ch.codePointAt(0);
        return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }

    /**
     * A content line folded (RFC 5545 3.1): no line longer than 75 octets
     * (the CRLF not counted), each continuation starting with one space,
     * never splitting a character's UTF-8 sequence. Returns the lines
     * joined with CRLF, without a final one.
     */
    function fold(line) {
        const out = [];
        let current = '';
        let size = 0;
        for (const ch of line) {
            const n = octets(ch);
            if (size + n > 75) {
                out.push(current);
                current = ' ';
                size = 1;
            }
            current += ch;
            size += n;
        }
        out.push(current);
        return out.join(CRLF);
    }

    /** `YYYYMMDD` of a day number (days since 1970-01-01). */
    function dateValue(day) {
        const d = new Date(day * DAY_MS);
        const pad = (n, w) => String(n).padStart(w, '0');
        return pad(d.getUTCFullYear(), 4) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2);
    }

    /** `YYYYMMDDTHHMMSSZ` of a time in milliseconds (UTC). */
    function stampValue(ms) {
        const iso = new Date(ms).toISOString(); // 2026-01-05T09:30:00.000Z
        return iso.slice(0, 19).replace(/[-:]/g, '') + 'Z';
    }

    /**
     * A VCALENDAR of `events`, each `{uid, first, last, summary,
     * description, url, sequence}` with `first`/`last` day numbers (the
     * last day included; DTEND is the day after, as all-day events need).
     * `stamp` is the DTSTAMP in milliseconds; `name` the calendar's name.
     */
    function calendar({ prodId, name, stamp, events }) {
        const lines = [
            'BEGIN:VCALENDAR',
            'VERSION:2.0',
            `PRODID:${prodId}`,
            'CALSCALE:GREGORIAN',
            'METHOD:PUBLISH',
        ];
        if (name) {
            lines.push(`X-WR-CALNAME:${escapeText(name)}`);
        }
        for (const e of events) {
            lines.push('BEGIN:VEVENT');
            lines.push(`UID:${e.uid}`);
            lines.push(`DTSTAMP:${stampValue(stamp)}`);
            if (typeof e.sequence === 'number') {
                lines.push(`SEQUENCE:${e.sequence}`);
            }
            lines.push(`DTSTART;VALUE=DATE:${dateValue(e.first)}`);
            lines.push(`DTEND;VALUE=DATE:${dateValue(e.last + 1)}`);
            lines.push(`SUMMARY:${escapeText(e.summary)}`);
            if (e.description) {
                lines.push(`DESCRIPTION:${escapeText(e.description)}`);
            }
            if (e.url) {
                lines.push(`URL:${e.url}`);
            }
            lines.push('TRANSP:TRANSPARENT');
            lines.push('END:VEVENT');
        }
        lines.push('END:VCALENDAR');
        return lines.map(fold).join(CRLF) + CRLF;
    }

    /**
     * The events of a dated schedule (theme/plan-model.js `schedule`): one
     * per day block, its UID `BLOCK_ID@BOOK_ID.roadbook`. `pageUrl(path)`
     * makes a week page's address absolute (null: no URL property);
     * `sequence` (a whole number that grows with each change of the plan)
     * lets a calendar tell the newer import.
     */
    function planEvents(data, plan, pageUrl, sequence) {
        if (plan.start === null) {
            return [];
        }
        const events = [];
        for (const w of plan.weeks) {
            const url = pageUrl ? pageUrl(w.week.path) : null;
            for (const b of w.blocks) {
                const heading = [b.block.days, b.block.topic].filter(Boolean).join(': ');
                const items = (b.block.items || []).map((item) => `- ${item}`);
                const description = [`${w.week.name}: ${w.week.title}`, ...items];
                if (url) {
                    description.push('', url);
                }
                events.push({
                    uid: `${b.block.id}@${data.book}.roadbook`,
                    first: b.first,
                    last: b.last,
                    summary: `${w.week.name} · ${heading || 'Study'}`,
                    description: description.join('\n'),
                    url,
                    sequence,
                });
            }
        }
        return events;
    }

    return { escapeText, fold, dateValue, stampValue, calendar, planEvents };
});
