"""Assemble BENCHMARKS.md from the sections the benchmarks wrote to bench/results/."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["issue15", "signin", "learner_pages", "learner_pages_pairs", "load", "server_shape",
         "slow_link", "page_weight", "curriculum", "grading", "portfolio", "earnings", "outcomes"]

if __name__ == "__main__":
    results = ROOT / "bench" / "results"
    names = sorted(results.glob("*.md"),
                   key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    head = ("# Benchmarks\n\nMeasured on the project's 2-core CI-class machine (shared and noisy: "
            "medians and ratios, not single timings). Re-run with `bench/run`.\n\n")
    body = "\n".join(p.read_text() for p in names)
    (ROOT / "BENCHMARKS.md").write_text(head + body)
    print("BENCHMARKS.md written from", ", ".join(p.stem for p in names))
