#!/usr/bin/env python3
"""Builds the images of unpack-conformance.bats from a JSON description (nothing is downloaded):
an OCI layout (directory or tar) with any image config, layer media types and compressions, one
or more platforms, ref names and nested indexes; or a docker-archive with several images.

  unpack_conformance.py oci|docker OUT DESC [--tar]
  unpack_conformance.py layer OUT ENTRIES

DESC: {"images": [IMAGE...], "nest": REF?}. IMAGE: {"config": the whole image config (os,
architecture, variant, config...; rootfs is filled in), "layers": [[TAR, "none|gzip|zstd",
MEDIA-TYPE?]...], "platform": {...}?, "ref": NAME?, "tags": [...]?}. With "nest", index.json
holds one image index named REF listing the images. Prints the digest of each top descriptor
(OCI) or config (docker), one a line."""
import gzip, hashlib, io, json, os, subprocess, sys, tarfile

from unpack_mkimage import sha, write_blob as put

MT = "application/vnd.oci.image."


def compress(raw, how):
    if how == "gzip":
        return gzip.compress(raw, mtime=0), MT + "layer.v1.tar+gzip"
    if how == "zstd":
        out = subprocess.run(["zstd", "-q", "-c"], input=raw, stdout=subprocess.PIPE, check=True)
        return out.stdout, MT + "layer.v1.tar+zstd"
    return raw, MT + "layer.v1.tar"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def config(img, raws):
    cfg = dict(img.get("config", {}))
    cfg.setdefault("os", "linux")
    cfg.setdefault("architecture", "amd64")
    cfg["rootfs"] = {"type": "layers", "diff_ids": [sha(r) for r in raws]}
    return json.dumps(cfg).encode()


def oci_manifest(root, img):
    layers, raws = [], []
    for spec in img["layers"]:
        raw = read(spec[0])
        data, mt = compress(raw, spec[1] if len(spec) > 1 else "none")
        raws.append(raw)
        layers.append({"mediaType": spec[2] if len(spec) > 2 else mt,
                       "digest": put(root, data), "size": len(data)})
    cfg = config(img, raws)
    man = json.dumps({"schemaVersion": 2, "mediaType": MT + "manifest.v1+json",
                      "config": {"mediaType": MT + "config.v1+json", "digest": put(root, cfg),
                                 "size": len(cfg)}, "layers": layers}).encode()
    desc = {"mediaType": MT + "manifest.v1+json", "digest": put(root, man), "size": len(man)}
    if "platform" in img:
        desc["platform"] = img["platform"]
    if "ref" in img:
        desc["annotations"] = {"org.opencontainers.image.ref.name": img["ref"]}
    return desc


def oci(root, desc):
    descs = [oci_manifest(root, img) for img in desc["images"]]
    if "nest" in desc:
        idx = json.dumps({"schemaVersion": 2, "mediaType": MT + "index.v1+json",
                          "manifests": descs}).encode()
        descs = [{"mediaType": MT + "index.v1+json", "digest": put(root, idx), "size": len(idx),
                  "annotations": {"org.opencontainers.image.ref.name": desc["nest"]}}]
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": MT + "index.v1+json", "manifests": descs}, f)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    for d in descs:
        print(d["digest"])


def docker(root, desc):
    entries = []
    for img in desc["images"]:
        raws = [read(spec[0]) for spec in img["layers"]]
        cfg = config(img, raws)
        name = hashlib.sha256(cfg).hexdigest()
        with open(os.path.join(root, name + ".json"), "wb") as f:
            f.write(cfg)
        names = []
        for raw in raws:
            n = hashlib.sha256(raw).hexdigest() + "/layer.tar"
            os.makedirs(os.path.join(root, os.path.dirname(n)), exist_ok=True)
            with open(os.path.join(root, n), "wb") as f:
                f.write(raw)
            names.append(n)
        entries.append({"Config": name + ".json", "RepoTags": img.get("tags"), "Layers": names})
        print("sha256:" + name)
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump(entries, f)


def layer(out, entries):
    """A layer tar from [{"path", "type": f|d|l|h|p, "data", "target", "mode", "uid", "gid",
    "mtime", "xattrs": {name: value}}...], entries in the order given."""
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            ti = tarfile.TarInfo(e["path"])
            kind = e.get("type", "f")
            ti.type = {"f": tarfile.REGTYPE, "d": tarfile.DIRTYPE, "l": tarfile.SYMTYPE,
                       "h": tarfile.LNKTYPE, "p": tarfile.FIFOTYPE}[kind]
            ti.mode = e.get("mode", 0o755 if kind == "d" else 0o644)
            ti.uid, ti.gid = e.get("uid", 0), e.get("gid", 0)
            ti.mtime = e.get("mtime", 1000000000)
            ti.linkname = e.get("target", "")
            ti.pax_headers = {"SCHILY.xattr." + k: v for k, v in e.get("xattrs", {}).items()}
            data = e.get("data", "").encode()
            ti.size = len(data) if kind == "f" else 0
            t.addfile(ti, io.BytesIO(data) if kind == "f" else None)


def main():
    if sys.argv[1] == "layer":
        return layer(sys.argv[2], json.loads(sys.argv[3]))
    kind, out, desc = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    as_tar = "--tar" in sys.argv[4:]
    root = out + ".d" if as_tar else out
    os.makedirs(root)
    (oci if kind == "oci" else docker)(root, desc)
    if as_tar:
        with tarfile.open(out, "w") as t:
            for n in sorted(os.listdir(root)):
                t.add(os.path.join(root, n), n)


main()
