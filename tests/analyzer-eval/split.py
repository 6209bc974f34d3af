#!/usr/bin/python3
"""The one-time split of the analyser evaluation set into dev/ and heldout/ (run once, 2025, seed 1414).

Kept so that anyone can check the split was random and fixed: run with --check, it recomputes the split
from the ids in dev/ and heldout/ and says whether it matches. Never re-split to move a text between halves.

Strata: language (fr, en, ar) x whether the text's subject is a catalog domain (in_catalog); each stratum has
8 texts, sorted by id, shuffled with one random.Random(SEED) taken in that fixed order; the first 4 are held out.
"""
import glob, os, random, shutil, sys
import yaml

SEED = 1414
HERE = os.path.dirname(os.path.abspath(__file__))


def plan(items):
    """items: {id: (lang, in_catalog)} -> set of held-out ids."""
    rng = random.Random(SEED)
    held = set()
    for lang in ("fr", "en", "ar"):
        for in_cat in (False, True):
            stratum = sorted(i for i, k in items.items() if k == (lang, in_cat))
            rng.shuffle(stratum)
            held.update(stratum[: len(stratum) // 2])
    return held


def read(paths):
    items = {}
    for y in paths:
        m = yaml.safe_load(open(y, encoding="utf-8"))
        items[os.path.basename(y)[:-5]] = (m["lang"], bool(m["in_catalog"]))
    return items


def main():
    if sys.argv[1:] == ["--check"]:
        paths = glob.glob(os.path.join(HERE, "dev", "*.yaml")) + glob.glob(os.path.join(HERE, "heldout", "*.yaml"))
        items = read(paths)
        actual = {os.path.basename(p)[:-5] for p in paths if os.sep + "heldout" + os.sep in p}
        ok = plan(items) == actual
        print("split matches seed %d: %s (%d texts, %d held out)" % (SEED, "yes" if ok else "NO", len(items), len(actual)))
        return 0 if ok else 1
    if len(sys.argv) != 2:
        print("usage: split.py STAGING_DIR | --check", file=sys.stderr)
        return 2
    staging = sys.argv[1]
    items = read(glob.glob(os.path.join(staging, "*.yaml")))
    held = plan(items)
    for i in sorted(items):
        dest = os.path.join(HERE, "heldout" if i in held else "dev")
        os.makedirs(dest, exist_ok=True)
        for ext in (".txt", ".yaml"):
            shutil.copy(os.path.join(staging, i + ext), os.path.join(dest, i + ext))
    print("held out:", " ".join(sorted(held)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
