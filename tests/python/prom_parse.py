"""Parses a Prometheus text exposition (format 0.0.4) with prometheus_client's own parser and
prints what it understood, for tests/metrics_http.rs:

    F <family> <type> <help>
    S <family> <sample name> <value> [<label> <value>]...

fields separated by tabs. Any line the parser rejects makes it raise (exit status 1).
Usage: prom_parse.py FILE
"""

import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    out = []
    for fam in text_string_to_metric_families(text):
        out.append("\t".join(["F", fam.name, fam.type, fam.documentation]))
        for s in fam.samples:
            fields = ["S", fam.name, s.name, repr(float(s.value))]
            for k in sorted(s.labels):
                fields += [k, s.labels[k]]
            out.append("\t".join(fields))
    print("\n".join(out))
    print("PARSED-OK")


if __name__ == "__main__":
    main()
