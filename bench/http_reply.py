"""HTTP requests per second: an HTTP server in the Kiln unikernel against
the same server built statically with musl-gcc in the Debian Linux
microVM, both under the same QEMU command (microvm, TCG, 128 MiB, a
virtio-net card on QEMU's user network with the guest's port 80 published
the same way), only kernel and initramfs swapped. wrk asks with 30
keep-alive connections for a 612-byte page, as the paper's nginx
benchmark does; one thread, for the host has two cores and QEMU needs them.
The server is apps/httpreply (ours, default) or apps/nginx (nginx 1.22.1,
the same sources, configure flags and nginx.conf in both guests).

    python3 bench/http_reply.py [--app httpreply|nginx] [--quick] [--runs N] [--seconds S]
                                [--no-linux] [--net tap]
"""

import os
import re
import subprocess
import sys
import time
import tomllib

import images
import netbench
import places
import report
import timing

MEMORY = "128M"          # the Debian kernel does not decompress in 64 MiB
BODY = 612
CONNECTIONS = 30
GOAL = 2.8               # the paper's nginx result: Unikraft over a Linux VM
NGINX = places.REPO / "apps" / "nginx"


class Server:
    """What differs between the servers: the app, the page it serves, how
    it says it is ready, and its build and command in the Linux guest."""

    def __init__(self, app: str, page: bytes, ready: bytes | None, kiln_args: list[str],
                 native, linux_command: str):
        self.app, self.dir, self.page, self.ready = app, places.REPO / "apps" / app, page, ready
        self.kiln_args, self.native, self.linux_command = kiln_args, native, linux_command


def httpreply_page() -> bytes:
    """httpreply's page: its alphabet over and over."""
    alphabet = b"0123456789abcdefghijklmnopqrstuvwxyz\n"
    return (alphabet * (BODY // len(alphabet) + 1))[:BODY]


def build_httpreply() -> dict:
    gcc = images.require("musl-gcc", "musl-tools")
    out = places.CACHE / "native"
    out.mkdir(parents=True, exist_ok=True)
    exe = out / "httpreply"
    subprocess.run([gcc, "-O2", "-static", "-D_GNU_SOURCE", "-o", str(exe),
                    str(places.REPO / "apps/httpreply/main.c")], check=True)
    subprocess.run(["strip", str(exe)], check=True)
    return {"httpreply": exe}


def nginx_configure() -> str:
    """apps/nginx's configure line (kiln.toml's first build step)."""
    with open(NGINX / "kiln.toml", "rb") as f:
        return tomllib.load(f)["fetch"][0]["build"][0]


def build_nginx() -> dict:
    """nginx from the tree `kiln fetch` prepared for apps/nginx, configured
    with the app's own line and built with musl-gcc -static (once: ~1 min)."""
    gcc = images.require("musl-gcc", "musl-tools")
    exe, out = images.native_copy("nginx", "nginx", "objs/nginx", "~1 min",
                                  ignore=("objs", "Makefile"))
    if out:
        # Debian's musl-dev leaves crypt.h out (musl declares crypt() in
        # unistd.h too); nginx includes it on Linux.
        shim = out / "kiln-include"
        shim.mkdir()
        (shim / "crypt.h").write_text("#include <unistd.h>\n")
        env = {**os.environ, "CC": gcc, "CFLAGS": f"-O2 -I{shim}"}
        subprocess.run(nginx_configure(), shell=True, cwd=out, env=env, check=True,
                       capture_output=True)
        subprocess.run(["make", f"-j{os.cpu_count() or 1}"], cwd=out, env=env, check=True,
                       capture_output=True)
        subprocess.run(["strip", str(exe)], check=True)
    return {"nginx": exe}


def nginx_linux_command() -> str:
    """The Linux guest's root made as the app's rootfs/ is (configuration,
    pages, accounts), then nginx in the foreground with the same file."""
    bb = "/bin/busybox"
    lines = [f"{bb} mkdir -p /etc/nginx /www /tmp"]
    for rel in ("etc/nginx/nginx.conf", "etc/passwd", "etc/group", "www/index.html",
                "www/empty.txt"):
        text = (NGINX / "rootfs" / rel).read_text()
        lines.append(f"{bb} cat > /{rel} <<'KILN_EOF'\n{text}KILN_EOF")
    return "\n".join(lines + ["/bin/nginx -c /etc/nginx/nginx.conf"])


SERVERS = {
    "httpreply": lambda: Server("httpreply", httpreply_page(),
                                b"httpreply: serving 612 bytes on port 80", ["80", str(BODY)],
                                build_httpreply, f"/bin/httpreply 80 {BODY}"),
    # nginx logs to stderr, which the Linux guest mixes into its console:
    # ready is the first page served.
    "nginx": lambda: Server("nginx", (NGINX / "rootfs/www/index.html").read_bytes(), None, [],
                            build_nginx, nginx_linux_command()),
}


def guests(args, port: int) -> dict[str, list[str]]:
    server = args.server
    linux = None if args.no_linux else (
        lambda: (server.app, server.native(), server.linux_command))
    return netbench.guests(images.build_image(server.app, "kvm"), args.net, MEMORY, port, 80,
                           server.kiln_args, linux)


GET = ("import sys, urllib.request; "
       "sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=60).read())")


def start(server: Server, name: str, argv: list[str], port: int, url: str,
          namespace: str | None) -> tuple[subprocess.Popen, dict]:
    """The guest, once it serves its page, and the times from QEMU's start
    to its ready line and (through -p) to the first page served."""
    t0 = time.perf_counter()
    proc, ready = netbench.start(name, argv, port, server.ready, cwd=server.dir,
                                 namespace=namespace)
    deadline = time.monotonic() + netbench.BOOT_TIMEOUT
    while True:  # without a ready line, until the page comes
        body = subprocess.run(netbench.client([sys.executable, "-c", GET, url], namespace),
                              capture_output=True).stdout
        if body or server.ready or time.monotonic() > deadline or proc.poll() is not None:
            break
    first = time.perf_counter() - t0
    if body != server.page:
        netbench.stop(proc)
        raise RuntimeError(f"{name}: GET / gave {len(body)} bytes, not the page")
    # Inside a namespace the GET includes a Python start: not a figure.
    return proc, {"ready_s": ready if server.ready else first,
                  "first_reply_s": None if namespace else first}


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
        proc, times = start(args.server, name, argv, port, url, namespace)
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
    parser.add_argument("--app", choices=sorted(SERVERS), default="httpreply",
                        help="the server: ours (httpreply) or nginx 1.22.1")
    netbench.add_net_option(parser)
    args = report.parse_args(parser)
    netbench.check_net(parser, args)
    args.server = SERVERS[args.app]()
    saved = "http_reply" if args.app == "httpreply" else f"http_reply_{args.app}"
    args.seconds = args.seconds or (3 if args.quick else 10)
    report.banner(
        f"{args.app}: HTTP requests per second, Kiln vs a Linux VM",
        f"Kiln >= {GOAL}x the Linux VM (the paper's nginx ratio, on KVM)",
        f"""wrk -t1 -c{CONNECTIONS} -d{args.seconds}s on the 612-byte page,
        {netbench.NET_METHOD[args.net]}; the same {args.app} sources in both guests;
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
    report.save_results(f"{saved}{netbench.SUFFIX[args.net]}", {
        "net": args.net, "figures": figures, "ratio": ratio, "goal": GOAL,
        "first_reply_ratio": boot, "met": met, "argv": argvs,
        "connections": CONNECTIONS, "seconds": args.seconds})

    def draw(plt):
        fig, ax = plt.subplots(figsize=(5, 3.2))
        names = list(figures)
        ax.bar(names, [figures[n]["rps"] for n in names], color=["#c0504d", "#4f81bd"][:len(names)])
        ax.set_ylabel("requests/s (median)")
        ax.set_title(f"{args.app}, wrk -c{CONNECTIONS}, TCG microvm, {args.net} network")
        return fig
    report.save_plot(f"{saved}{netbench.SUFFIX[args.net]}", draw)


if __name__ == "__main__":
    main()
