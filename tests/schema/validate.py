#!/usr/bin/env python3
"""Validates a JSON document against one of the OCI runtime-spec JSON schemas.

usage: validate.py SCHEMA_DIR SCHEMA_FILE DOCUMENT
The schemas reference each other by relative file name; they are resolved inside SCHEMA_DIR.
"""
import json
import pathlib
import sys
import warnings

import jsonschema


def main():
    # RefResolver is deprecated in newer jsonschema releases but is what Debian 12's 4.10 has
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    schema_dir, schema_file, document = sys.argv[1:4]
    base = pathlib.Path(schema_dir).resolve()
    schema = json.loads((base / schema_file).read_text())
    resolver = jsonschema.RefResolver(base_uri=base.as_uri() + "/", referrer=schema)
    with open(document) as f:
        doc = json.load(f)
    errors = list(jsonschema.Draft4Validator(schema, resolver=resolver).iter_errors(doc))
    for e in errors:
        print(f"{document}: {'/'.join(str(p) for p in e.absolute_path)}: {e.message}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
