#!/usr/bin/python3
"""Turns a tool's --help text into its man page, so the two never drift:
  help2roff.py TOOL SECTION-DESCRIPTION OUT.1 [--replace OLD=NEW ...]
The first line (Usage: ...) becomes the synopsis, the paragraphs up to the
first option group the description, each "Group:" heading a subsection and
each option line (with its indented continuation) a tagged paragraph."""
import re
import subprocess
import sys


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text)


def main():
    tool, summary, out = sys.argv[1:4]
    replacements = [r.split("=", 1) for r in sys.argv[5::2]] if "--replace" in sys.argv else []
    help_text = subprocess.run([tool, "--help"], check=True, capture_output=True, text=True).stdout
    version = subprocess.run([tool, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    for old, new in replacements:
        help_text = help_text.replace(old, new)
    name = tool.rsplit("/", 1)[-1]
    lines = help_text.splitlines()
    usage = lines[0].removeprefix("Usage: ")
    page = [f'.TH {name.upper()} 1 "" "{roff(version)}" "User Commands"',
            ".SH NAME", f"{name} \\- {roff(summary)}",
            ".SH SYNOPSIS", f".B {roff(usage.split(' ', 1)[0])}", roff(usage.split(" ", 1)[1]) if " " in usage else "",
            ".SH DESCRIPTION"]
    in_options = False
    paragraph = []

    def flush():
        if paragraph:
            page.append(".PP")
            page.append(roff(" ".join(paragraph)))
            paragraph.clear()

    for line in lines[1:]:
        if re.match(r"^\S.*:$", line):  # an option group
            flush()
            if not in_options:
                page.append(".SH OPTIONS")
                in_options = True
            page.append(f".SS {roff(line[:-1])}")
        elif in_options and re.match(r"^  -", line):
            m = re.match(r"^  (\S.*?)(?:\s{2,}(.*))?$", line)
            page.append(".TP")
            page.append(f".B {roff(m.group(1))}")
            if m.group(2):
                page.append(roff(m.group(2).strip()))
        elif in_options and line.startswith("   "):
            page.append(roff(line.strip()))
        elif not line.strip():
            flush()
        else:
            paragraph.append(line.strip())
    flush()
    with open(out, "w") as f:
        f.write("\n".join(p for p in page if p != "") + "\n")


main()
