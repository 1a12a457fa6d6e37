"""Independent checks of a signed licence PDF (scripts/test-pdf.sh).

1. pdftotext (poppler) gives back every text value of the credential's
   subject, Thai exactly as signed (whitespace aside: lines wrap).
2. PDF/A-3 conformance, as far as a registry-installable tool can judge
   (veraPDF is not installable here; see docs/pdf.md): qpdf's structural
   check and pikepdf checks of the ISO 19005-3 clauses our writer touches.
Prints one line per check and exits non-zero on any failure.
"""
import json
import re
import subprocess
import sys

import pikepdf

pdf_path, credential_path = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


credential = json.load(open(credential_path, encoding="utf-8"))
text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf_path, "-"], check=True,
                      capture_output=True).stdout.decode("utf-8")
squashed = re.sub(r"\s+", "", text)
subject = credential["credentialSubject"]
for value in strings(subject):
    if value in ("LicensedBusiness",) or re.fullmatch(r"[a-z-]+", value):
        continue  # type names and codes are not printed
    if re.fullmatch(r"\d{13}", value):
        value = f"{value[0]}-{value[1:5]}-{value[5:10]}-{value[10:12]}-{value[12]}"
    check(f"pdftotext shows {value!r}", re.sub(r"\s+", "", value) in squashed)
check("pdftotext shows the licence IRI", re.sub(r"\s+", "", credential["id"]) in squashed)

qpdf = subprocess.run(["qpdf", "--check", pdf_path], capture_output=True, text=True)
check("qpdf --check: no structural errors", qpdf.returncode == 0, qpdf.stdout[-400:] + qpdf.stderr[-400:])

pdf = pikepdf.open(pdf_path)
root = pdf.Root
check("not encrypted (6.1.3)", not pdf.is_encrypted)
check("trailer /ID present (6.1.3)", "/ID" in pdf.trailer)
meta = pdf.open_metadata()
check("XMP pdfaid:part 3 (6.6.4)", meta.get("pdfaid:part") == "3")
check("XMP pdfaid:conformance U (6.6.4)", meta.get("pdfaid:conformance") in ("U", "B"))
check("XMP dc:identifier is the licence IRI", meta.get("dc:identifier") == credential["id"])
intents = root.get("/OutputIntents", [])
check("sRGB OutputIntent GTS_PDFA1 with an ICC profile of 3 components (6.2.3)",
      any(i.get("/S") == "/GTS_PDFA1" and int(i.DestOutputProfile.get("/N", 0)) == 3 for i in intents))
fonts_ok = True
for page in pdf.pages:
    for name, font in page.Resources.get("/Font", {}).items():
        for d in font.get("/DescendantFonts", []):
            desc = d.get("/FontDescriptor")
            fonts_ok &= desc is not None and "/FontFile2" in desc
            fonts_ok &= "/CIDToGIDMap" in d
        fonts_ok &= "/ToUnicode" in font
check("every font embedded, with CIDToGIDMap and ToUnicode (6.2.11.4, 6.2.11.7)", fonts_ok)
af = root.get("/AF", [])
check("associated files present (6.8)", len(af) > 0)
for spec in af:
    ef = spec.EF.F
    check(f"{spec.UF}: AFRelationship /Data, MIME subtype, ModDate (6.8)",
          spec.get("/AFRelationship") == "/Data" and "/Subtype" in ef and "/ModDate" in ef.get("/Params", {}))
names = [str(n) for n in root.Names.EmbeddedFiles.Names[::2]]
check("embedded files listed in the EmbeddedFiles name tree", names == sorted(names) and len(names) == len(af))
check("no JavaScript or actions (6.6.1)", "/OpenAction" not in root and "/JavaScript" not in root.get("/Names", {}))
for page in pdf.pages:
    for annot in page.get("/Annots", []):
        rect = [float(x) for x in annot.Rect]
        zero = rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0
        check("annotation printable, or zero-sized (6.3.2, 6.3.3)", zero or int(annot.get("/F", 0)) & 4 == 4)
info = pdf.docinfo
check("Info /Title equals XMP dc:title (6.6.2.3)", str(info.get("/Title")) == meta.get("dc:title"))
check("Info /Producer equals XMP pdf:Producer", str(info.get("/Producer")) == meta.get("pdf:Producer"))
print(f"pdf checks: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
