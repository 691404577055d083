"""A local PKI for the signature tests, started by the tests: a root CA, the certifier's
signing certificate (with its OCSP responder and CRL distribution point), and a time-stamping
authority (RFC 3161), served over HTTP on 127.0.0.1 by certomancer's Animator (the PKI
testing tool of pyHanko's author). Keys are made here, per test session; nothing comes from
the network."""

import threading
from dataclasses import dataclass
from pathlib import Path

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from werkzeug.serving import make_server

ARCH = "acquis-test"
CONFIG = """
external-url-prefix: "{prefix}"
keysets:
  {arch}:
    keys:
      root: {{path: root.key.pem}}
      signer: {{path: signer.key.pem}}
      tsa: {{path: tsa.key.pem}}
pki-architectures:
  {arch}:
    keyset: {arch}
    entity-defaults:
      country-name: FR
      organization-name: Autorité de test Acquis
    entities:
      root: {{common-name: Racine de test}}
      signer: {{common-name: OPS Conseil (cachet de test), organization-name: OPS Conseil}}
      tsa: {{common-name: Horodatage de test}}
    certs:
      root:
        subject: root
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2045-01-01T00:00:00+0000"}}
        extensions:
          - id: basic_constraints
            critical: true
            value: {{ca: true}}
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}}
      signer:
        subject: signer
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2040-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature, non_repudiation]}}
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
          - id: authority_information_access
            smart-value: {{schema: aia-urls, params: {{ocsp-responder-names: [root]}}}}
      tsa:
        subject: tsa
        issuer: root
        validity: {{valid-from: "2020-01-01T00:00:00+0000", valid-to: "2040-01-01T00:00:00+0000"}}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {{schema: key-usage, params: [digital_signature]}}
          - id: extended_key_usage
            critical: true
            value: [time_stamping]
          - id: crl_distribution_points
            smart-value: {{schema: crl-dist-url, params: {{crl-repo-names: [root]}}}}
    services:
      ocsp:
        root:
          for-issuer: root
          responder-cert: root
          signing-key: root
      crl-repo:
        root:
          for-issuer: root
          signing-key: root
          simulated-update-schedule: "P30D"
      time-stamping:
        tsa:
          signing-key: tsa
          signing-cert: tsa
"""


@dataclass(frozen=True)
class LocalPki:
    folder: Path
    tsa_url: str
    signer_key: Path
    signer_cert: Path
    root_cert: Path


def _write_key(path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def start(folder: Path):
    """The PKI served on a free port of 127.0.0.1; returns (LocalPki, stop)."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig

    for name in ("root", "signer", "tsa"):
        _write_key(folder / f"{name}.key.pem")
    server = make_server("127.0.0.1", 0, app=None, threaded=True)
    prefix = f"http://127.0.0.1:{server.server_port}"
    config = yaml.safe_load(CONFIG.format(prefix=prefix, arch=ARCH))
    certomancer = CertomancerConfig(config, key_search_dir=str(folder))
    architecture = certomancer.get_pki_arch(ARCH)
    animator = Animator(AnimatorArchStore({ARCH: architecture}), with_web_ui=False)
    server.app = animator
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for label in ("root", "signer", "tsa"):
        cert = architecture.get_cert(label)
        (folder / f"{label}.cert.pem").write_bytes(_pem(cert.dump()))
    pki = LocalPki(
        folder=folder,
        tsa_url=f"{prefix}/{ARCH}/tsa/tsa",
        signer_key=folder / "signer.key.pem",
        signer_cert=folder / "signer.cert.pem",
        root_cert=folder / "root.cert.pem",
    )

    def stop():
        server.shutdown()
        thread.join(timeout=5)

    return pki, stop


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)
