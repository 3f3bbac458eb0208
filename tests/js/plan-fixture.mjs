// The plan data the build writes into the "My plan" page, for the shipped
// roadmap's shape: twelve weeks of three day blocks, its three study tracks
// and its 10-15 hours a week. Shared by plan-model.test.mjs and ics.test.mjs.
const topics = ['Scalability, Fundamentals', 'Reliability; Patterns', 'Performance & Consistency'];
const days = ['Monday-Tuesday', 'Wednesday-Thursday', 'Friday-Weekend'];

export function shippedData() {
  const weeks = [];
  for (let n = 1; n <= 12; n += 1) {
    const id = `w${String(n).padStart(2, '0')}`;
    weeks.push({
      id,
      number: n,
      name: `Week ${n}`,
      title: `Title ${n}`,
      path: `weeks/week-${String(n).padStart(2, '0')}.html`,
      blocks: days.map((d, i) => ({
        id: `${id}-${d.toLowerCase()}`,
        days: d,
        topic: topics[i],
        items: [`Study item ${i} of week ${n}`, 'Exercise: identify bottlenecks, then fix them'],
      })),
    });
  }
  return {
    book: 'system-design-interview-preparation',
    title: 'System Design Interview Preparation',
    hours: { min: 10, max: 15 },
    weeks,
    tracks: [
      { id: 'track-experienced', title: 'For Experienced Developers (6+ years)', skip: [1, 2], focus: [9, 10], duration: null, daily_hours: null },
      { id: 'track-career', title: 'For Career Changers/Bootcamp Grads', skip: [], focus: [1, 2, 3, 4], duration: { min: 16, max: 20 }, daily_hours: null },
      { id: 'track-urgent', title: 'For Interview Preparation (Urgent)', skip: [], focus: [1, 3, 5, 11, 12], duration: { min: 6, max: 8 }, daily_hours: { min: 3, max: 4 } },
    ],
  };
}
