"""Adds symbol names (and source lines) to the addresses in a guest's
crash report, using the .dbg ELF kept beside the image: the image itself
carries no symbols."""

import bisect
import re
from pathlib import Path

# Compiled (and cached by re) on first use: most runs never print one.
ADDRESS_LINE = r"^(kn: (?:at|bt #\d+) )0x([0-9a-fA-F]+)\s*$"
ENOSYS_LINE = r"^kn: syscall (\d+) is not implemented\s*$"


def name_syscall(line: str) -> str:
    """'kn: syscall 246 is not implemented' -> '... kexec_load (246) ...':
    the image logs numbers only."""
    match = re.match(ENOSYS_LINE, line.rstrip("\r\n"))
    if not match:
        return line
    from ..syscalls import linux_table
    nr = int(match.group(1))
    name = next((n for n, number in linux_table().items() if number == nr), "?")
    return f"kn: syscall {name} ({nr}) is not implemented\n"


class Symbolizer:
    def __init__(self, elf_path: Path):
        self.path = elf_path
        self._symbols = None  # sorted [(start, end, name)]
        self._starts = []
        self._lines = None    # sorted [(address, file, line)]

    def _load(self) -> None:
        from elftools.common.exceptions import ELFError
        from elftools.elf.elffile import ELFFile

        self._symbols, self._lines = [], []
        try:
            with open(self.path, "rb") as f:
                elf = ELFFile(f)
                symtab = elf.get_section_by_name(".symtab")
                if symtab:
                    for sym in symtab.iter_symbols():
                        if sym["st_info"]["type"] == "STT_FUNC" and sym["st_value"]:
                            start = sym["st_value"]
                            self._symbols.append((start, start + sym["st_size"], sym.name))
                self._symbols.sort()
                if elf.has_dwarf_info():
                    dwarf = elf.get_dwarf_info()
                    for cu in dwarf.iter_CUs():
                        lp = dwarf.line_program_for_CU(cu)
                        if not lp:
                            continue
                        files = lp["file_entry"]
                        for entry in lp.get_entries():
                            st = entry.state
                            if st is None or st.end_sequence:
                                continue
                            index = st.file - 1 if lp.header.version < 5 else st.file
                            if 0 <= index < len(files):
                                name = files[index].name.decode(errors="replace")
                                self._lines.append((st.address, name, st.line))
                    self._lines.sort()
        except (OSError, ELFError):
            pass  # no symbols: lines stay as they are
        self._starts = [s[0] for s in self._symbols]

    def describe(self, address: int) -> str | None:
        if self._symbols is None:
            self._load()
        i = bisect.bisect_right(self._starts, address) - 1
        if i < 0:
            return None
        start, end, name = self._symbols[i]
        if address >= max(end, start + 1):
            return None
        text = f"{name}+0x{address - start:x}"
        j = bisect.bisect_right(self._lines, (address, "\uffff", 1 << 30)) - 1
        if j >= 0 and self._lines[j][0] >= start:
            text += f" ({Path(self._lines[j][1]).name}:{self._lines[j][2]})"
        return text

    def annotate(self, line: str) -> str:
        match = re.match(ADDRESS_LINE, line.rstrip("\r\n"))
        if not match:
            return name_syscall(line)
        where = self.describe(int(match.group(2), 16))
        if not where:
            return line
        return f"{line.rstrip()} {where}\n"
