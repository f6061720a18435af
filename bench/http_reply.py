"""HTTP requests per second: apps/httpreply in the Kiln unikernel against the
same httpreply.c built statically with musl-gcc in the Debian Linux
microVM, both under the same QEMU command (microvm, TCG, 128 MiB, a
virtio-net card on QEMU's user network with the guest's port 80 published
the same way), only kernel and initramfs swapped. wrk asks with 30
keep-alive connections for the 612-byte page, as the paper's nginx
benchmark does; one thread, for the host has two cores and QEMU needs them.

    python3 bench/http_reply.py [--quick] [--runs N] [--seconds S] [--no-linux] [--net tap]
"""

import re
import subprocess
import sys
import time

import images
import netbench
import places
import report
import timing

APP = "httpreply"
APP_DIR = places.REPO / "apps" / APP
MEMORY = "128M"          # the Debian kernel does not decompress in 64 MiB
BODY = 612
CONNECTIONS = 30
GOAL = 2.8               # the paper's nginx result: Unikraft over a Linux VM
READY = b"httpreply: serving 612 bytes on port 80"


def page() -> bytes:
    """httpreply's page: its alphabet over and over."""
    alphabet = b"0123456789abcdefghijklmnopqrstuvwxyz\n"
    return (alphabet * (BODY // len(alphabet) + 1))[:BODY]


def build_native() -> tuple:
    gcc = images.require("musl-gcc", "musl-tools")
    out = places.CACHE / "native"
    out.mkdir(parents=True, exist_ok=True)
    exe = out / APP
    subprocess.run([gcc, "-O2", "-static", "-D_GNU_SOURCE", "-o", str(exe),
                    str(APP_DIR / "main.c")], check=True)
    subprocess.run(["strip", str(exe)], check=True)
    return exe


def guests(args, port: int) -> dict[str, list[str]]:
    linux = None if args.no_linux else (
        lambda: ("httpreply", {APP: build_native()}, f"/bin/{APP} 80 {BODY}"))
    return netbench.guests(images.build_image(APP, "kvm"), args.net, MEMORY, port, 80,
                           ["80", str(BODY)], linux)


GET = ("import sys, urllib.request; "
       "sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=60).read())")


def start(name: str, argv: list[str], port: int, url: str,
          namespace: str | None) -> tuple[subprocess.Popen, dict]:
    """The guest, once it serves its page, and the times from QEMU's start
    to its ready line and (through -p) to the first page served."""
    t0 = time.perf_counter()
    proc, ready = netbench.start(name, argv, port, READY, cwd=APP_DIR, namespace=namespace)
    body = subprocess.run(netbench.client([sys.executable, "-c", GET, url], namespace),
                          capture_output=True).stdout
    first = time.perf_counter() - t0
    if body != page():
        netbench.stop(proc)
        raise RuntimeError(f"{name}: GET / gave {len(body)} bytes, not the page")
    # Inside a namespace the GET includes a Python start: not a figure.
    return proc, {"ready_s": ready, "first_reply_s": None if namespace else first}


def wrk(url: str, seconds: int, namespace: str | None) -> dict:
    out = subprocess.run(netbench.client([images.require("wrk", "wrk"), "-t1",
                                          f"-c{CONNECTIONS}", f"-d{seconds}s", url], namespace),
                         capture_output=True, text=True, timeout=seconds + 120).stdout
    rate = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if not rate:
        raise RuntimeError(f"wrk printed no rate:\n{out}")
    return {"rps": float(rate.group(1)), "errors": errors.group(1) if errors else "",
            "non2xx": int(non2xx.group(1)) if non2xx else 0}


def measure(args) -> tuple[dict, dict]:
    ports, argvs = netbench.published(lambda port: guests(args, port))

    def one_run(name, argv, port, namespace):
        url = f"http://{netbench.TAP_GUEST}/" if namespace else f"http://127.0.0.1:{port}/"
        proc, times = start(name, argv, port, url, namespace)
        try:
            wrk(url, 1, namespace)  # warm-up: connections, caches, the ARP entry
            return {**wrk(url, args.seconds, namespace), **times}
        finally:
            netbench.stop(proc)
    return netbench.rounds(args, ports, argvs, one_run), argvs


def main():
    parser = report.arg_parser(__doc__.split("\n\n")[0], runs=3, quick_runs=1)
    parser.add_argument("--seconds", type=int, default=None,
                        help="wrk's run per measurement (default 10, --quick 3)")
    parser.add_argument("--no-linux", action="store_true", help="Kiln only")
    netbench.add_net_option(parser)
    args = report.parse_args(parser)
    netbench.check_net(parser, args)
    args.seconds = args.seconds or (3 if args.quick else 10)
    report.banner(
        "httpreply: HTTP requests per second, Kiln vs a Linux VM",
        f"Kiln >= {GOAL}x the Linux VM (the paper's nginx ratio, on KVM)",
        f"""wrk -t1 -c{CONNECTIONS} -d{args.seconds}s on the 612-byte page,
        {netbench.NET_METHOD[args.net]}; the same httpreply.c in both guests;
        {args.runs} runs each, alternating, median""")
    samples, argvs = measure(args)
    rows, figures = [], {}
    for name, runs in samples.items():
        rates = [r["rps"] for r in runs]
        figures[name] = {"rps": timing.median(rates), "samples": rates,
                         **{key: timing.median([r[key] for r in runs if r[key] is not None])
                            for key in ("ready_s", "first_reply_s")},
                         "errors": [r["errors"] for r in runs],
                         "non2xx": [r["non2xx"] for r in runs]}
        low, high = timing.spread(rates)
        rows.append([name, len(rates), report.fmt(figures[name]["rps"], 0),
                     f"{low:,.0f}-{high:,.0f}", "; ".join(filter(None, figures[name]["errors"]))
                     or "none", report.fmt(figures[name]["ready_s"] * 1000, 0),
                     report.fmt(figures[name]["first_reply_s"] and
                                figures[name]["first_reply_s"] * 1000, 0)])
    print(report.table(["guest", "runs", "requests/s (median)", "min-max", "socket errors",
                        "to listening, ms", "to first reply, ms"], rows))
    ratio = timing.ratio(figures.get("Kiln", {}).get("rps"),
                         figures.get("Linux VM", {}).get("rps"))
    met = None if ratio is None else ratio >= GOAL
    print()
    print(f"Kiln / Linux VM: {report.fmt_ratio(ratio)}  (goal {GOAL}x: {report.verdict(met)})")
    boot = timing.ratio(figures.get("Linux VM", {}).get("first_reply_s"),
                        figures.get("Kiln", {}).get("first_reply_s"))
    if boot is not None:
        print(f"QEMU's start to the first page served through -p, Linux VM / Kiln: "
              f"{report.fmt_ratio(boot, 1)} (boot, network set-up and the first connection)")
    print(netbench.NET_NOTE[args.net])
    report.save_results(f"http_reply{netbench.SUFFIX[args.net]}", {
        "net": args.net, "figures": figures, "ratio": ratio, "goal": GOAL,
        "first_reply_ratio": boot, "met": met, "argv": argvs,
        "connections": CONNECTIONS, "seconds": args.seconds})

    def draw(plt):
        fig, ax = plt.subplots(figsize=(5, 3.2))
        names = list(figures)
        ax.bar(names, [figures[n]["rps"] for n in names], color=["#c0504d", "#4f81bd"][:len(names)])
        ax.set_ylabel("requests/s (median)")
        ax.set_title(f"httpreply, wrk -c{CONNECTIONS}, TCG microvm, {args.net} network")
        return fig
    report.save_plot(f"http_reply{netbench.SUFFIX[args.net]}", draw)


if __name__ == "__main__":
    main()
