#!/usr/bin/env python3
"""Wraps layer tars into an image for the unpack tests: an OCI layout (directory or tar) or a
docker-archive. Layers are given as tar files (optionally compressed: gzip for OCI, the media
type follows the file). Nothing is downloaded."""
import argparse, gzip, hashlib, io, json, os, sys, tarfile


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def config_blob(args, layers_raw):
    cfg = json.loads(args.config) if args.config else {}
    doc = {"architecture": args.arch, "os": "linux", "config": cfg,
           "rootfs": {"type": "layers", "diff_ids": [sha(r) for r in layers_raw]}}
    return json.dumps(doc).encode()


def write_blob(root, data):
    d = sha(data)
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(root, "blobs", "sha256", d[7:]), "wb") as f:
        f.write(data)
    return d


def oci(args, layers, raws, root):
    cfg = config_blob(args, raws)
    ldescs = []
    for data in layers:
        mt = "application/vnd.oci.image.layer.v1.tar"
        if data[:2] == b"\x1f\x8b":
            mt += "+gzip"
        ldescs.append({"mediaType": args.layer_media_type or mt, "digest": write_blob(root, data),
                       "size": len(data)})
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": write_blob(root, cfg), "size": len(cfg)},
                           "layers": ldescs}).encode()
    desc = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": write_blob(root, manifest), "size": len(manifest),
            "platform": {"architecture": args.arch, "os": "linux"}}
    if args.ref:
        desc["annotations"] = {"org.opencontainers.image.ref.name": args.ref}
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [desc]}, f)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(desc["digest"])


def docker(args, layers, raws, root):
    cfg = config_blob(args, raws)
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    with open(os.path.join(root, cfg_name), "wb") as f:
        f.write(cfg)
    names = []
    for i, data in enumerate(raws):
        d = "layer%d" % i
        os.makedirs(os.path.join(root, d))
        with open(os.path.join(root, d, "layer.tar"), "wb") as f:
            f.write(data)
        names.append(d + "/layer.tar")
    with open(os.path.join(root, "manifest.json"), "w") as f:
        json.dump([{"Config": cfg_name, "RepoTags": [args.ref] if args.ref else None,
                    "Layers": names}], f)
    print("sha256:" + cfg_name[:-5])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--format", choices=["oci", "docker"], required=True)
    p.add_argument("--tar", action="store_true", help="write the image as a tar file")
    p.add_argument("--out", required=True)
    p.add_argument("--config", help="the image config's 'config' object, JSON")
    p.add_argument("--arch", default="amd64")
    p.add_argument("--ref")
    p.add_argument("--layer-media-type")
    p.add_argument("layers", nargs="*")
    args = p.parse_args()
    layers = [open(l, "rb").read() for l in args.layers]
    raws = [gzip.decompress(l) if l[:2] == b"\x1f\x8b" else l for l in layers]
    root = args.out + ".d" if args.tar else args.out
    os.makedirs(root)
    (oci if args.format == "oci" else docker)(args, layers, raws, root)
    if args.tar:
        with tarfile.open(args.out, "w") as t:
            for name in sorted(os.listdir(root)):
                t.add(os.path.join(root, name), arcname=name)


if __name__ == "__main__":
    main()
