#!/usr/bin/env python3
"""mkcorpus.py: (re)generate the seed corpora of tests/fuzz/corpus/ from the unit-test
vectors: C string literals of the unit tests (zone files, INI, JSON), the shipped example
configurations, the UPDATE bodies of the bgp_msg corpus, and DNS queries and answers built
here for the names and types the unit tests ask about. Files are named by their SHA-1,
as libFuzzer names them. Run from the repository root: python3 tests/fuzz/mkcorpus.py"""
import glob
import hashlib
import os
import re
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(name, data):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("latin-1")
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def c_strings(path):
    """Each run of adjacent C string literals in path, decoded."""
    src = open(path, encoding="utf-8").read()
    lit = r'"(?:[^"\\\n]|\\.)*"'
    out = []
    for m in re.finditer(r'%s(?:\s*%s)*' % (lit, lit), src):
        parts = re.findall(lit, m.group(0))
        s = "".join(p[1:-1] for p in parts)
        b = bytearray()
        i = 0
        while i < len(s):
            c = s[i]
            if c != "\\":
                b += c.encode("utf-8")
                i += 1
                continue
            n = s[i + 1]
            if n in "01234567":
                j = i + 1
                while j < len(s) and j < i + 4 and s[j] in "01234567":
                    j += 1
                b.append(int(s[i + 1:j], 8) & 0xff)
                i = j
            elif n == "x":
                j = i + 2
                while j < len(s) and s[j] in "0123456789abcdefABCDEF":
                    j += 1
                b.append(int(s[i + 2:j], 16) & 0xff)
                i = j
            else:
                b += {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0"}.get(
                    n, n.encode("utf-8"))
                i += 2
        out.append(bytes(b))
    return out


# ---- text formats: zone files, INI, JSON ----

def zones():
    for t in ("tests/unit/test_dnsd_zone.c", "tests/unit/test_dnsd_answer.c",
              "tests/unit/test_dnsd_conf.c"):
        for s in c_strings(t):
            if b"\n" in s and (b" SOA " in s or b"$" in s or b" A " in s or b" IN " in s):
                put("zone", s)
    put("zone", "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n NS ns\n$INCLUDE inc\n")
    put("zone", "$TTL 60\n@ SOA ns hm 1 1 1 1 1\n$INCLUDE inc sub\nx TXT \"a\" \"b\"\n")


def configs():
    for f in ["etc/pharosd.ini"] + glob.glob("etc/conf.d/*.ini") + glob.glob("tests/config/*.ini"):
        put("config", open(f, "rb").read())
    for s in c_strings("tests/unit/test_config.c"):
        if b"[" in s and b"=" in s:
            put("config", s)


def jsons():
    for t in ("tests/unit/test_json.c", "tests/unit/test_ctlfmt.c",
              "tests/unit/test_status.c", "tests/unit/test_control.c"):
        for s in c_strings(t):
            if s[:1] in (b"{", b"[", b'"', b" ") or s in (b"true", b"null", b"-1.5e3"):
                put("json", s)


# ---- BGP: UPDATE bodies of the bgp_msg corpus ----

def bgp_updates():
    for f in glob.glob(os.path.join(ROOT, "bgp_msg", "*")):
        m = open(f, "rb").read()
        while len(m) >= 19:
            n = m[16] << 8 | m[17]
            if n < 19 or n > len(m):
                break
            if m[18] == 2:
                put("bgp_update", m[19:n])
            m = m[n:]


# ---- DNS ----

def name(s):
    out = b""
    for label in s.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


T = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "HINFO": 13, "MX": 15, "TXT": 16,
     "AAAA": 28, "SRV": 33, "DNAME": 39, "OPT": 41, "CAA": 257, "AXFR": 252, "IXFR": 251,
     "ANY": 255, "MAILB": 253, "TYPE65280": 65280}


def opt(udp=1232, do=False, ext=0, ver=0, options=b""):
    return (b"\0" + struct.pack(">HHBBHH", 41, udp, ext, ver, 0x8000 if do else 0,
                                len(options)) + options)


def query(qname, qtype, qclass=1, ident=0x1234, flags=0, edns=None, extra=b"", counts=None):
    q = name(qname) + struct.pack(">HH", T.get(qtype, qtype) if isinstance(qtype, str)
                                  else qtype, qclass)
    ar = 1 if edns is not None else 0
    qd, an, ns = 1, 0, 0
    if counts:
        qd, an, ns, ar = counts
    return (struct.pack(">HHHHHH", ident, flags, qd, an, ns, ar) + q + extra +
            (edns if edns is not None else b""))


def dnsd_queries():
    names = ["example.com.", "www.example.com.", "alias.example.com.", "chain.example.com.",
             "ext.example.com.", "loop1.example.com.", "x.wild.example.com.",
             "a.wcname.example.com.", "sub.example.com.", "x.sub.example.com.",
             "ns.sub.example.com.", "b.ent.example.com.", "big.example.com.",
             "_http._tcp.example.com.", "nope.example.com.", "mail.example.com.",
             "WWW.EXAMPLE.COM.", "example.org.", "."]
    for n in names:
        for t in ("A", "AAAA", "MX", "TXT", "SOA", "NS", "ANY", "CNAME"):
            if t in ("A", "TXT") or n in ("example.com.", "www.example.com."):
                put("dnsd_answer", query(n, t))
        put("dnsd_answer", query(n, "A", edns=opt()))
    put("dnsd_answer", query("big.example.com.", "TXT", edns=opt(512)))
    put("dnsd_answer", query("big.example.com.", "TXT", edns=opt(4096, do=True)))
    put("dnsd_answer", query("big.example.com.", "TXT"))
    put("dnsd_answer", query("www.example.com.", "A", edns=opt(options=b"\0\3\0\0")))
    put("dnsd_answer", query("www.example.com.", "A",
                             edns=opt(options=b"\0\x0a\0\x08" + b"12345678")))
    put("dnsd_answer", query("www.example.com.", "A", edns=opt(ver=1)))
    put("dnsd_answer", query("www.example.com.", "OPT"))
    put("dnsd_answer", query("www.example.com.", "MAILB"))
    put("dnsd_answer", query("www.example.com.", "A", flags=0x2800))  # UPDATE
    put("dnsd_answer", query("www.example.com.", "A", flags=0x0100))  # RD
    put("dnsd_answer", query("www.example.com.", "A", flags=0x8000))  # a response
    put("dnsd_answer", query("www.example.com.", "A", counts=(2, 0, 0, 0)))
    put("dnsd_answer", query("www.example.com.", "A", edns=opt() + opt(), counts=(1, 0, 0, 2)))
    for n, t in (("version.bind.", "TXT"), ("id.server.", "TXT"), ("hostname.bind.", "TXT"),
                 ("version.server.", "TXT"), ("authors.bind.", "TXT")):
        put("dnsd_answer", query(n, t, qclass=3))
    for t in ("AXFR", "IXFR"):
        put("dnsd_answer", query("example.com.", t))
        put("dnsd_answer", query("sub.example.com.", t))
        put("dnsd_answer", query("www.example.com.", t))
    # a compression pointer in a query (to the question name)
    put("dnsd_answer", query("www.example.com.", "A", counts=(1, 0, 0, 1),
                             extra=b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 0, 4) + b"\0\0\0\0"))
    put("dnsd_answer", b"\x12\x34")


def rr(owner, rtype, rdata, ttl=300, rclass=1):
    return owner + struct.pack(">HHIH", T[rtype] if isinstance(rtype, str) else rtype,
                               rclass, ttl, len(rdata)) + rdata


def answer(qtype, rcode=0, flags=0x8400, an=(), ns=(), ar=(), ident=0x1234, qd=True):
    q = name("www.example.com.") + struct.pack(">HH", T[qtype], 1) if qd else b""
    h = struct.pack(">HHHHHH", ident, flags | rcode, 1 if qd else 0, len(an), len(ns), len(ar))
    return h + q + b"".join(an) + b"".join(ns) + b"".join(ar)


def probe_answers():
    ptr = b"\xc0\x0c"  # the question name
    soa = name("ns1.example.com.") + b"\xc0\x10" + struct.pack(">IIIII", 2024010101, 7200,
                                                                900, 1209600, 300)
    seeds = [
        answer("A", an=[rr(ptr, "A", bytes([192, 0, 2, 80]))]),
        answer("A", an=[rr(ptr, "A", bytes([192, 0, 2, 81])), rr(ptr, "A", bytes([192, 0, 2, 80]))]),
        answer("A", an=[rr(ptr, "CNAME", b"\3web\xc0\x10"),
                        rr(b"\3web\xc0\x10", "A", bytes([192, 0, 2, 80]))]),
        answer("A", rcode=3, ns=[rr(b"\xc0\x10", "SOA", soa)]),
        answer("A", rcode=3, qd=False),
        answer("A", rcode=2, flags=0x8000),
        answer("A", flags=0x8600),  # TC
        answer("A", flags=0x8600, an=[rr(ptr, "A", bytes([192, 0, 2, 80]))[:-2]]),
        answer("A", an=[rr(ptr, "A", bytes([192, 0, 2, 80]))], ar=[opt(1232, ext=1)]),
        answer("A", an=[rr(ptr, "A", bytes([192, 0, 2, 80]))],
               ar=[opt(options=b"\0\3\0\3pop")]),
        answer("SOA", an=[rr(ptr, "SOA", soa)]),
        answer("SOA", an=[rr(ptr, "SOA", name("ns1.example.com.") + name("hm.example.com.") +
                             struct.pack(">IIIII", 1, 2, 3, 4, 5))]),
        answer("TXT", an=[rr(ptr, "TXT", b"\x0bhello world")]),
        answer("TXT", an=[rr(ptr, "TXT", b"\x05hello\x05world")]),
        answer("A", an=[rr(ptr, "AAAA", bytes(16))]),
        answer("A", an=[rr(ptr, "MX", b"\0\x0a" + ptr)]),
        answer("A", an=[rr(ptr, "SRV", b"\0\0\0\0\0\x50" + ptr)]),
        answer("A", an=[rr(ptr, "CAA", b"\0\5issueca.example.net")]),
        answer("A", an=[rr(ptr, 65280, b"\1\2\3")]),
        answer("A", an=[rr(b"\xc0\x0d", "A", bytes(4))]),  # a pointer into a label
        answer("A", an=[rr(b"\xc0\xff", "A", bytes(4))]),  # a pointer past the end
        answer("A", ident=0x4321),
    ]
    for s in seeds:
        put("dns_probe", s)


if __name__ == "__main__":
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    zones()
    configs()
    jsons()
    bgp_updates()
    dnsd_queries()
    probe_answers()
    for d in sorted(os.listdir(ROOT)):
        files = os.listdir(os.path.join(ROOT, d))
        size = sum(os.path.getsize(os.path.join(ROOT, d, f)) for f in files)
        print("corpus %-12s %4d files, %7d bytes" % (d, len(files), size))
