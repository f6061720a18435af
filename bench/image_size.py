"""Image size: the stripped helloworld image for kvm and linuxu with each
allocator, and where its bytes go (`kiln size --json`, per library).

    python3 bench/image_size.py [--quick]
"""

import json

import common

GOAL_BYTES = 64 * 1024
UNIKRAFT_BYTES = (193_000, 257_000)   # Unikraft helloworld images, as stated in the brief


def measure(platforms, allocators):
    rows = []
    for platform in platforms:
        for alloc in allocators:
            image = common.build_image("helloworld", platform, alloc)
            report = json.loads(common.kiln("size", "-p", platform, "--json",
                                            app=image.app_dir).stdout)
            rows.append({
                "platform": platform, "alloc": alloc,
                "bytes": image.path.stat().st_size,
                "dbg_bytes": image.dbg.stat().st_size,
                "libraries": {lib["library"]: {k: lib[k] for k in
                                               ("text", "rodata", "data", "bss", "total")}
                              for lib in report["libraries"]},
            })
    return rows


def main(argv=None):
    parser = common.arg_parser(__doc__.splitlines()[0], runs=1, quick_runs=1)
    args = common.parse_args(parser, argv)
    allocators = ("tlsf",) if args.quick else common.ALLOCATORS
    common.banner(
        "image size: stripped helloworld image",
        f"<= {GOAL_BYTES // 1024} KiB (Unikraft helloworld: "
        f"{UNIKRAFT_BYTES[0] // 1000}-{UNIKRAFT_BYTES[1] // 1000} KB)",
        """kiln build -p P --use alloc=A in a cached copy of apps/helloworld;
        size of build/P/helloworld (stripped, what ships) on disk;
        per-library text/rodata/data/bss from `kiln size --json` (the linker map).
        Sizes are deterministic: --runs does not apply.""")
    rows = measure(("kvm", "linuxu"), allocators)

    print(common.table(
        ["platform", "alloc", "image bytes", "KiB", "of goal", "goal",
         "Unikraft / kiln", "bss KiB (RAM only)"],
        [[r["platform"], r["alloc"], common.fmt(r["bytes"]),
          common.fmt(r["bytes"] / 1024), f"{100 * r['bytes'] / GOAL_BYTES:.0f}%",
          common.verdict(r["bytes"] <= GOAL_BYTES),
          f"{UNIKRAFT_BYTES[0] / r['bytes']:.1f}-{UNIKRAFT_BYTES[1] / r['bytes']:.1f}x",
          common.fmt(sum(l["bss"] for l in r["libraries"].values()) / 1024)]
         for r in rows]))
    print()

    libraries = sorted({lib for r in rows for lib in r["libraries"]},
                       key=lambda lib: -max(r["libraries"].get(lib, {}).get("total", 0)
                                            for r in rows))
    print("bytes per library (text+rodata+data; `kiln size --json`):")
    print(common.table(
        ["library"] + [f"{r['platform']}/{r['alloc']}" for r in rows],
        [[lib] + [common.fmt(r["libraries"][lib]["total"]) if lib in r["libraries"] else "-"
                  for r in rows] for lib in libraries]
        + [["(sum)"] + [common.fmt(sum(l["total"] for l in r["libraries"].values()))
                        for r in rows]]))
    print("(the image on disk adds ELF headers and section alignment to the sum)")
    print()

    largest = max(rows, key=lambda r: r["bytes"])
    print(f"largest image: {largest['platform']}/{largest['alloc']} "
          f"{largest['bytes']:,} bytes = {largest['bytes'] / GOAL_BYTES:.2f} of the "
          f"{GOAL_BYTES // 1024} KiB goal: {common.verdict(largest['bytes'] <= GOAL_BYTES)}")
    common.save_results("image_size", {"goal_bytes": GOAL_BYTES,
                                       "unikraft_bytes": list(UNIKRAFT_BYTES),
                                       "images": rows})

    def draw(plt):
        fig, ax = plt.subplots(figsize=(7, 3.5))
        labels = [f"{r['platform']}\n{r['alloc']}" for r in rows]
        bottoms = [0] * len(rows)
        for lib in libraries:
            vals = [r["libraries"].get(lib, {}).get("total", 0) / 1024 for r in rows]
            ax.bar(labels, vals, bottom=bottoms, label=lib)
            bottoms = [b + v for b, v in zip(bottoms, vals)]
        ax.axhline(GOAL_BYTES / 1024, color="red", linestyle="--", label="goal 64 KiB")
        ax.set_ylabel("KiB (text+rodata+data)")
        ax.set_title("helloworld image size per library")
        ax.legend(fontsize=7, ncol=2)
        return fig
    common.save_plot("image_size", draw)
    return rows


if __name__ == "__main__":
    main()
