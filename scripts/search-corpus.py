#!/usr/bin/env python3
"""Writes a deterministic corpus of real English technical text for the search benchmark.

Documents are cut from the machine's man pages (roff source, markup stripped), then /usr/share/doc texts,
then Python docstrings: 50-300 words each, titled after their page and section, tagged with the man
section. The same machine gives the same corpus. Also writes the benchmark queries, drawn from the corpus:
single terms across the frequency range, two-term ANDs, phrases and prefixes.

    scripts/search-corpus.py OUT_DIR [DOCUMENTS]   # writes OUT_DIR/corpus.jsonl and OUT_DIR/queries.json
"""
import ast, collections, glob, gzip, json, os, random, re, sys

out_dir = sys.argv[1]
wanted = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
rng = random.Random(20261125)
os.makedirs(out_dir, exist_ok=True)

ESCAPES = re.compile(r"\\f[BIRP1-4]|\\f\(..|\\f\[[^]]*\]|\\s[-+]?\d|\\\(..|\\\[[^]]*\]|\\[-&e|^ ]|\\\*.")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*")

def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            return f.read(2_000_000)
    except OSError:
        return ""

def man_sections(path):
    """(section title, text) pairs of a man page's roff source."""
    name = os.path.basename(path).split(".")[0]
    section, lines, result = "NAME", [], []
    for line in read(path).splitlines():
        if line.startswith((".SH", ".Sh")):
            if lines: result.append((f"{name}: {section.title()}", " ".join(lines)))
            section, lines = line[3:].strip().strip('"') or section, []
        elif line.startswith((".", "'")):
            words = line.split(None, 1)
            if len(words) > 1 and words[0] in (".B", ".I", ".BR", ".IR", ".BI", ".RB", ".IP", ".TP", ".Nm", ".Ar", ".Fl"):
                lines.append(ESCAPES.sub("", words[1]).replace('"', ""))
        else:
            text = ESCAPES.sub("", line).strip()
            if text: lines.append(text)
    if lines: result.append((f"{name}: {section.title()}", " ".join(lines)))
    return result

def doc_texts(path):
    text = read(path)
    return [(os.path.basename(os.path.dirname(path)) + ": " + os.path.basename(path).split(".")[0], " ".join(text.split()))]

def docstrings(path):
    try:
        tree = ast.parse(read(path))
    except (SyntaxError, ValueError):
        return []
    result = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef, ast.Module)):
            doc = ast.get_docstring(node)
            if doc:
                name = getattr(node, "name", os.path.basename(path)[:-3])
                result.append((f"{os.path.basename(path)[:-3]}.{name}", " ".join(doc.split())))
    return result

def sources():
    for path in sorted(glob.glob("/usr/share/man/man*/*")):
        section = os.path.basename(os.path.dirname(path))[3:] or "1"
        for title, text in man_sections(path): yield title, text, ["man", "section-" + section[:1]]
    for path in sorted(glob.glob("/usr/share/doc/*/*")):
        if os.path.isfile(path) and not path.endswith((".html", ".png", ".svg")):
            for title, text in doc_texts(path): yield title, text, ["doc"]
    for path in sorted(glob.glob("/usr/lib/python3*/**/*.py", recursive=True)):
        for title, text in docstrings(path): yield title, text, ["python"]

documents = []
def emit():
    for title, text, tags in sources():
        words = text.split()
        start = 0
        while len(words) - start >= 50:
            size = rng.randint(50, 300)
            chunk = words[start:start + size]
            start += size
            yield {"title": title[:200], "body": " ".join(chunk), "tags": tags}

for document in emit():
    documents.append(document)
    if len(documents) >= wanted: break
# Fewer texts than documents wanted: go round again (titles numbered so documents stay distinct).
base = len(documents)
while len(documents) < wanted:
    copy = dict(documents[len(documents) - base * (len(documents) // base)])
    copy["title"] = f"{copy['title']} ({len(documents) // base + 1})"
    documents.append(copy)

with open(os.path.join(out_dir, "corpus.jsonl"), "w") as f:
    for document in documents:
        f.write(json.dumps(document) + "\n")

# Queries from the corpus itself.
frequency = collections.Counter()
sample = documents[:: max(1, len(documents) // 20_000)]
for document in sample:
    frequency.update({w.lower() for w in WORD.findall(document["body"]) if len(w) >= 3})
ranked = [w for w, _ in frequency.most_common() if w.isalpha()]
def spread(words, count):
    # From the most common to the rare: every frequency band is represented.
    picked = [words[int(len(words) * (i / count) ** 3)] for i in range(count)]
    return list(dict.fromkeys(picked))
single = spread(ranked[:20_000], 100)
two = [f"{a} {b}" for a, b in zip(spread(ranked[:2_000], 100), rng.sample(ranked[:5_000], 100))]
phrases = []
for document in rng.sample(sample, 100):
    words = [w for w in WORD.findall(document["body"]) if w.isalpha()]
    i = rng.randrange(max(1, len(words) - 1))
    phrases.append('"' + " ".join(words[i:i + 2]).lower() + '"')
prefixes = [w[:rng.choice((3, 4))] + "*" for w in spread(ranked[:5_000], 100)]
with open(os.path.join(out_dir, "queries.json"), "w") as f:
    json.dump({"single term": single, "two terms": two, "phrase": phrases, "prefix": prefixes}, f, indent=1)
print(f"{len(documents)} documents ({base} distinct), {sum(len(d['body'].split()) for d in documents):,} words", file=sys.stderr)
