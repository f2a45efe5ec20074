#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds: the project's fixtures and rule cases,
# and ../shared/corpus when it is beside the clone. Run from anywhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared="$root/../shared/corpus/plans"
corpus="$here/corpus"
mkdir -p "$corpus"/{plan,state,hcl_native,hcl_differential,evaluate,policy,connection_string,address}

# Files up to 256 KiB (the targets run with -max_len=262144).
small() { find "$@" -type f -size -256k 2>/dev/null; }
seed() { # seed TARGET FILE: copied under a name made of its hash
    cp "$2" "$corpus/$1/$(sha1sum "$2" | cut -c1-16)"
}

json_dirs=("$root/fixtures" "$root/src/rules")
[ -d "$shared" ] && json_dirs+=("$shared")
while IFS= read -r f; do
    if grep -q '"resource_changes"\|"planned_values"' "$f"; then seed plan "$f"; else seed state "$f"; fi
done < <(small "${json_dirs[@]}" \( -name '*.json' -o -name '*.tfstate' \) -not -name '*.tf.json')

while IFS= read -r f; do
    for t in hcl_native hcl_differential evaluate; do seed $t "$f"; done
done < <(small "$root/fixtures" "$root/src/rules" "$root/tests" -name '*.tf')

while IFS= read -r f; do seed policy "$f"; done < <(small "$root/policies" "$root/fixtures" -name '*.hcl')
# The policies the documentation shows.
python3 - "$corpus/policy" "$root"/docs/*.md "$root/README.md" <<'PY'
import hashlib, os, re, sys
for doc in sys.argv[2:]:
    for block in re.findall(r"```hcl\n(.*?)```", open(doc, encoding="utf-8").read(), re.S):
        data = block.encode()
        with open(os.path.join(sys.argv[1], hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
            f.write(data)
PY

# Setting values and addresses, one per file, taken from the JSON inputs.
python3 - "$corpus" "${json_dirs[@]}" <<'PY'
import hashlib, json, os, sys
corpus, dirs = sys.argv[1], sys.argv[2:]
def put(target, text):
    data = text.encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "address" and isinstance(x, str):
                put("address", x)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
    elif isinstance(v, str) and ("://" in v or (";" in v and "=" in v) or "host=" in v):
        put("connection_string", v)
import re
for d in dirs:
    for base, _, files in os.walk(d):
        for n in files:
            if n.endswith(".tf"):
                for v in re.findall(r'"((?:[^"\\\n]|\\.)*)"', open(os.path.join(base, n), encoding="utf-8", errors="replace").read()):
                    if "://" in v or (";" in v and "=" in v) or "host=" in v:
                        put("connection_string", v)
            if n.endswith((".json", ".tfstate")) and os.path.getsize(os.path.join(base, n)) < 8 << 20:
                try:
                    walk(json.load(open(os.path.join(base, n), encoding="utf-8-sig")))
                except (ValueError, UnicodeDecodeError):
                    pass
PY
for t in "$corpus"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"; done
