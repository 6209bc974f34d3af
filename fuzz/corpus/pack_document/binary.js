// a pack
export default {"dihya_pack": 1, "manifest": {"name": "y", "version": "0.1.0", "kind": "library", "title": "Y", "files": [{"template": "b.txt", "path": "b.txt", "raw": true}]}, "files": {"b.txt": {"base64url": "AP8"}}};
