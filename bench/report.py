"""The benchmark's figures as readable tables (stdout) and as JSON (bench/out/)."""

import json
from pathlib import Path

RATIO_TARGET = 0.5


def _row(cells: list, widths: list[int], *, left: int = 2) -> str:
    """Cells padded to their widths: the first `left` ones flush left, the others right."""
    return "  ".join(
        str(cell).ljust(width) if i < left else str(cell).rjust(width)
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
    ).rstrip()


def throughput_table(results: dict) -> list[str]:
    """One line per page and workshop, and the program/static ratio after each pair."""
    load = results["load"]
    lines = [
        f"Throughput and latency: wrk -t{load['threads']} -c{load['connections']} "
        f"-d{load['duration']}s, gunicorn with {results['workers']} workers (gthread)",
    ]
    widths = [12, 38, 7, 8, 8, 8, 8, 6]
    lines.append(
        _row(
            ["workshop", "page", "req/s", "p50 ms", "p90 ms", "p99 ms", "KiB/resp", "errors"],
            widths,
        )
    )
    for label, pages in results["throughput"].items():
        for name, figures in pages.items():
            if name in ("ratio", "home_ratio"):
                continue
            latency = figures["latency_ms"]
            errors = sum(figures["errors"].values())
            lines.append(
                _row(
                    [
                        label,
                        name,
                        f"{figures['requests_per_second']:.0f}",
                        f"{latency['p50']:.1f}",
                        f"{latency['p90']:.1f}",
                        f"{latency['p99']:.1f}",
                        f"{figures['bytes_per_response'] / 1024:.1f}",
                        errors,
                    ],
                    widths,
                )
            )
        for key, page in (("ratio", "program"), ("home_ratio", "home")):
            ratio = pages[key]
            verdict = "meets" if ratio >= RATIO_TARGET else "BELOW"
            lines.append(
                f"{label.ljust(widths[0])}  ratio {page} / static file = {ratio:.2f} "
                f"({verdict} the target {RATIO_TARGET})"
            )
    return lines


def burst_table(burst: dict) -> list[str]:
    latency = burst["latency_ms"]
    return [
        f"Registration burst: {burst['people']} people at once for {burst['free_seats']} free "
        f"seats ({burst['workshop']})",
        f"  seated {burst['seated']} (must be {burst['free_seats']}: confirmed or held), "
        f"waitlisted {burst['waitlisted']}, errors {burst['errors']}",
        f"  POST latency p50 {latency['p50']} ms, p99 {latency['p99']} ms, max {latency['max']} ms; "
        f"{burst['registrations_per_second']} registrations/s ({burst['seconds']} s in all); "
        f"{burst['emails_queued']} emails queued",
        f"  longest wait for the workshop's lock {burst['longest_lock_wait_ms']} ms "
        "(pg_stat_activity sampled every 5 ms)",
        *(f"  {sample}" for sample in burst["error_samples"]),
    ]


def queries_table(queries: dict) -> list[str]:
    """Cold and cached query counts per page, side by side for each workshop."""
    labels = list(queries)
    group = [5, 6, 7, 5]
    widths = [22, *(group * len(labels)), 4]
    span = sum(group) + 2 * (len(group) - 1)
    lines = [
        "SQL queries per page (cold: page cache cleared, rendered; cached: from the page cache)",
        (" " * widths[0] + "".join(f"  {label:<{span}}" for label in labels)).rstrip(),
        _row(["page", *(["cold", "cached", "cold ms", "KiB"] * len(labels)), "flat"], widths),
    ]
    for page in queries[labels[0]]:
        counts = [queries[label][page] for label in labels]
        flat = all(
            (c["cold"], c["cached"]) == (counts[0]["cold"], counts[0]["cached"]) for c in counts
        )
        cells = [
            cell
            for c in counts
            for cell in (c["cold"], c["cached"], f"{c['cold_ms']:.0f}", f"{c['bytes'] / 1024:.0f}")
        ]
        name = "talk page" if page == "TALK" else page
        lines.append(_row([name, *cells, "yes" if flat else "NO"], widths, left=1))
    talks = ", ".join(f"{queries[label]['TALK']['path']} ({label})" for label in labels)
    lines.append(f"talk page: {talks}")
    return lines


def breakdown_table(breakdowns: dict) -> list[str]:
    """Where a cached /program/ request's time goes, in-process."""
    lines = ["Where a cached /program/ request's time goes (in-process, mean of 200 requests)"]
    for label, b in breakdowns.items():
        share = b["content_version_ms"] / b["request_ms"]
        lines.append(
            f"  {label}: request {b['request_ms']:.2f} ms, of which the content version "
            f"{b['content_version_ms']:.2f} ms ({share:.0%}; its SQL alone "
            f"{b['content_version_sql_ms']:.2f} ms);\n    a plain ORM lookup of the workshop row: "
            f"{b['plain_workshop_row_ms']:.2f} ms (SQL {b['plain_workshop_row_sql_ms']:.2f} ms). "
            f"cProfile: {b['profile']}"
        )
    return lines


def render_cost_table(render: dict) -> list[str]:
    """gunicorn's CPU per request, page cache off (every page rendered) and on (bench/render.py)."""
    lines = [
        f"Rendering cost: gunicorn's CPU time per request, 1 worker, one request at a time "
        f"(median of {render['rounds']} rounds of {render['requests']})",
        "  uncached: page cache off (PAGE_CACHE_URL=dummycache://), as the first request after "
        "any change; cached: from the page cache",
    ]
    widths = [12, 13, 11, 9, 7, 16]
    lines.append(
        _row(["workshop", "page", "uncached ms", "cached ms", "ratio", "uncached wall ms"], widths)
    )
    for label, pages in render["pages"].items():
        for name, page in pages.items():
            uncached, cached = page["uncached"], page["cached"]
            lines.append(
                _row(
                    [
                        label,
                        name,
                        f"{uncached['cpu_ms']:.2f}",
                        f"{cached['cpu_ms']:.2f}",
                        f"{uncached['cpu_ms'] / cached['cpu_ms']:.1f}×",
                        f"{uncached['wall_ms']:.2f}",
                    ],
                    widths,
                )
            )
    return lines


def memory_table(memory: dict) -> list[str]:
    workers = memory["workers_mib"]
    return [
        "Memory after the load (VmRSS)",
        f"  gunicorn master {memory['master_mib']} MiB; workers "
        + ", ".join(f"{rss} MiB" for rss in workers)
        + f" (mean {sum(workers) / len(workers):.1f} MiB)",
    ]


def machine_lines(machine: dict) -> list[str]:
    lines = [
        f"Machine: {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB; "
        f"PostgreSQL {machine['postgresql']}, Python {machine['python']}, "
        f"Django {machine['django']}, {machine['wrk']}; load average before the run "
        f"{machine['load_average_before']}, after {machine['load_average_after']}",
    ]
    if machine["load_average_before"] > machine["cpus"] / 2:
        lines.append(
            "WARNING: the machine was busy when the run started: the figures may be low and "
            "noisy; compare ratios, or run again on a quiet machine."
        )
    return lines


def render(results: dict) -> str:
    """Every figure of the run, table after table."""
    sections = [
        throughput_table(results),
        burst_table(results["burst"]),
        queries_table(results["queries"]),
        breakdown_table(results["breakdown"]),
        render_cost_table(results["render"]),
        memory_table(results["memory"]),
        [f"Total run time: {results['run_seconds']:.0f} s", *machine_lines(results["machine"])],
    ]
    return "\n\n".join("\n".join(section) for section in sections)


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
