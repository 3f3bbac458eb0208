#!/usr/bin/env python3
"""Write a synthetic roadmap of the shipped roadmap's family, for the build benchmark.

The shape follows roadmap.md: two-week phases, each week with a focus, three
day blocks of three checkbox tasks and one `**Exercise**`/`**Practice**` item,
deliverables; then milestones per phase, success metrics, acceleration tracks
and certification levels. With the default 100 weeks that is 1,200 block items
(300 of them hands-on) plus 300 deliverables and 200 milestones.

The text is drawn from fixed word lists with a fixed seed, so the same
arguments always write the same file, and every item is unique within its week
(its stable ID is derived from its text).

    python3 benches/synthetic-roadmap.py --weeks 100 > /tmp/roadmap.md
"""

import argparse
import random
import sys

PHASE_ICONS = ["🚀", "🏗️", "⚡", "🛡️", "🌐", "🎯"]

AREAS = [
    "Foundation & Fundamentals",
    "Data & Communication",
    "Scalability & Performance",
    "Security & Infrastructure",
    "Distributed Systems",
    "Observability & Operations",
    "Storage Engines",
    "Streaming & Messaging",
    "Edge & Mobile",
    "Reliability Engineering",
]

TOPICS = [
    "Scalability Fundamentals", "Reliability Patterns", "Performance & Consistency",
    "Microservices Analysis", "Event-Driven Architecture", "Clean Architecture",
    "Database Optimization", "Advanced Caching", "Data Consistency",
    "REST API Excellence", "gRPC Implementation", "Message Queue Mastery",
    "Load Balancing Strategies", "Auto-Scaling Implementation", "CDN Integration",
    "Authentication & Authorization", "Security Hardening", "Threat Modeling",
    "Kubernetes Mastery", "CI/CD Pipeline", "Infrastructure as Code",
    "Distributed Consensus", "Multi-Region Deployment", "Edge Computing",
    "Distributed Tracing", "Capacity Planning", "Rate Limiting", "Search Indexing",
    "Schema Evolution", "Chaos Engineering",
]

VERBS = [
    "Implement", "Design", "Analyze", "Study", "Add", "Build", "Refactor", "Measure",
    "Benchmark", "Document", "Review", "Prototype", "Harden", "Optimize", "Test",
]

CONCEPTS = [
    "circuit breaker", "bulkhead isolation", "retry budget", "idempotency keys",
    "consistent hashing", "read replicas", "write-ahead log", "outbox pattern",
    "saga orchestration", "event sourcing", "CQRS projections", "cache warming",
    "cache invalidation", "rate limiter", "token bucket", "leader election",
    "service discovery", "health checks", "blue-green deployment", "canary release",
    "feature flags", "dead letter queue", "backpressure", "sharding strategy",
    "connection pooling", "request hedging", "load shedding", "vector clocks",
    "CRDT counters", "distributed locks", "schema registry", "API versioning",
    "OAuth2 flows", "mTLS certificates", "audit logging", "SLO dashboards",
]

DOMAINS = [
    "order service", "payment service", "menu catalogue", "loyalty programme",
    "kitchen display", "coffee machine fleet", "delivery tracking",
    "inventory updates", "subscription billing", "store locator",
    "notification gateway", "AI recommendation agent",
]

EXERCISES = [
    "Design {c} for the {d}", "Build {c} into the {d}", "Handle a traffic spike on the {d} with {c}",
    "Recover the {d} after a regional outage using {c}", "Model the {d} failure modes around {c}",
    "Migrate the {d} to {c} without downtime",
]

DELIVERABLES = [
    "{c} implementation", "{d} load testing results", "{c} design document",
    "{d} runbook", "{c} benchmark report", "{d} architecture diagram",
]

MILESTONES = [
    "Pattern Fluency", "Hands-On Skills", "Architecture Thinking", "Operational Readiness",
    "Design Communication", "Trade-off Judgement",
]


# Words a stable ID leaves out, and how many words it keeps: texts that agree
# on their first ID_WORDS other words would get the same ID.
STOP_WORDS = {"a", "an", "and", "by", "for", "from", "in", "into", "of", "on", "the", "to", "with"}
ID_WORDS = 6


def id_key(text: str) -> tuple[str, ...]:
    """A key at least as coarse as the stable ID roadbook derives from `text`."""
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return tuple(w for w in words if w not in STOP_WORDS)[:ID_WORDS]


def week_block(rng: random.Random, number: int) -> list[str]:
    """The lines of week `number`: heading, focus, three day blocks, deliverables.

    Every item's text is drawn again until no other item of the week would get
    the same ID, so any number of weeks gives a roadmap without duplicate IDs.
    """
    topics = rng.sample(TOPICS, 3)
    pairs = rng.sample([(v, c) for v in VERBS for c in CONCEPTS], 9)
    exercise_pairs = rng.sample([(c, d) for c in CONCEPTS for d in DOMAINS], 3)
    taken: set[tuple[str, ...]] = set()

    def unique(draw) -> str:
        while True:
            text = draw()
            if id_key(text) not in taken:
                taken.add(id_key(text))
                return text

    lines = [
        f"#### Week {number}: {topics[0]} and {topics[1]}",
        f"**Focus**: {topics[0].lower()}, {topics[1].lower()} and {topics[2].lower()}",
        "",
    ]
    for b, days in enumerate(["Monday-Tuesday", "Wednesday-Thursday", "Friday-Weekend"]):
        lines.append(f"**{days}: {topics[b]}**")
        for verb, concept in pairs[3 * b : 3 * b + 3]:
            text = unique(lambda: f"{verb} {concept} in the {rng.choice(DOMAINS)}")
            lines.append(f"- [ ] {text}")
        label = "Practice" if b == 2 else "Exercise"

        def exercise() -> str:
            concept, domain = exercise_pairs[b]
            if id_key(rng.choice(EXERCISES).format(c=concept, d=domain)) in taken:
                exercise_pairs[b] = rng.choice([(c, d) for c in CONCEPTS for d in DOMAINS])
                concept, domain = exercise_pairs[b]
            text = rng.choice(EXERCISES).format(c=concept, d=domain)
            return text[0].upper() + text[1:]

        lines.append(f"- [ ] **{label}**: {unique(exercise)}")
        lines.append("")
    lines.append("**Deliverables**:")
    for template, (concept, domain) in zip(rng.sample(DELIVERABLES, 3), exercise_pairs):
        text = template.format(c=concept, d=domain)
        lines.append(f"- {text[0].upper()}{text[1:]}")
    lines.append("")
    return lines


def roadmap(weeks: int, seed: int) -> str:
    """The whole roadmap of `weeks` weeks (rounded up to whole two-week phases)."""
    rng = random.Random(seed)
    phases = (weeks + 1) // 2
    out = [
        f"# 🗺️ System Design Marathon - {2 * phases}-Week Implementation Roadmap",
        "",
        "## 📋 Overview",
        "",
        f"A synthetic {2 * phases}-week roadmap in the shape of the shipped one, "
        "written by benches/synthetic-roadmap.py to measure how build cost grows.",
        "",
        "---",
        "",
        "## 🎯 Roadmap Structure",
        "",
        "### Learning Approach",
        "- **Theory + Practice**: Each week combines concepts with hands-on work",
        "- **Progressive Complexity**: Start simple, build to enterprise scale",
        "",
        "### Time Commitment",
        f"- **Total Duration**: {2 * phases} weeks",
        "- **Weekly Effort**: 10-15 hours per week",
        "",
        "---",
        "",
        "## 📅 Week-by-Week Implementation Plan",
        "",
    ]
    for p in range(phases):
        first = 2 * p + 1
        icon = PHASE_ICONS[p % len(PHASE_ICONS)]
        area = AREAS[p % len(AREAS)]
        out += [f"### {icon} Week {first}-{first + 1}: {area} {p // len(AREAS) + 1}", ""]
        for number in (first, first + 1):
            out += week_block(rng, number)
        out += ["---", ""]

    out += ["## 📊 Weekly Progress Tracking", ""]
    for p in range(phases):
        first = 2 * p + 1
        out.append(f"### Week {first}-{first + 1} Milestones")
        for label in rng.sample(MILESTONES, 4):
            concept = rng.choice(CONCEPTS)
            out.append(f"- [ ] **{label}**: {concept} understood and applied")
        out.append("")

    out += [
        "---",
        "",
        "## 🎯 Success Metrics & KPIs",
        "",
        "### Technical Competency (Measured Weekly)",
        "- **System Design Knowledge**: 1-10 scale across all phases",
        "- **Implementation Skills**: Ability to build and extend systems",
        "",
        "### Interview Readiness (Measured Bi-Weekly)",
        "- **Mock Interview Scores**: Performance in practice sessions",
        "- **Communication Clarity**: Ability to explain complex concepts",
        "",
        "### Practical Application (Measured Monthly)",
        "- **Code Quality**: Clean, maintainable implementations",
        "- **Architecture Decisions**: Sound technology choices",
        "",
        "---",
        "",
        "## 🚀 Acceleration Options",
        "",
        "### For Experienced Developers (6+ years)",
        "- **Skip Weeks 1-4**: Start with Week 5 if fundamentals are solid",
        f"- **Focus on Advanced Topics**: Spend more time on Weeks {2 * phases - 9}-{2 * phases}",
        "",
        "### For Career Changers",
        f"- **Extended Timeline**: Take {3 * phases}-{4 * phases} weeks instead of {2 * phases}",
        "- **Focus on Fundamentals**: Spend extra time on Weeks 1-8",
        "",
        "### For Interview Preparation (Urgent)",
        "- **Focus on Essentials**: Weeks 1, 3, 5, 11-12",
        "",
        "---",
        "",
        "## 🎉 Completion Rewards & Recognition",
        "",
        "### Bronze Certification (60-74%)",
        "- **Digital Badge**: LinkedIn-ready certification badge",
        "- **Community Access**: Join the system design community",
        "",
        "### Silver Certification (75-89%)",
        "- **All Bronze Benefits** +",
        "- **Recommendation Letter**: Personalized recommendation",
        "",
        "### Gold Certification (90-100%)",
        "- **All Silver Benefits** +",
        "- **Expert Recognition**: Featured in success stories",
        "",
        "---",
        "",
        f"**Ready to embark on your {2 * phases}-week journey! 🚀**",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=100, help="number of weeks (default 100)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    parser.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = parser.parse_args()
    if args.weeks < 1:
        parser.error("--weeks must be at least 1")
    text = roadmap(args.weeks, args.seed)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
