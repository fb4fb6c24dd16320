"""Kubernetes manifests and Helm templates: probes, non-root, resources."""

from __future__ import annotations

from golive_tui.core.model import DetectorResult, Status
from golive_tui.core.scan.detectors import k8s
from golive_tui.core.scan.detectors.base import FileScan, ScannedFile

EX = k8s.EXTRACTORS[0]


def run(files: dict[str, str]) -> dict[str, DetectorResult]:
    scanned: dict[str, ScannedFile] = {}
    for path, text in files.items():
        if EX.matches(path):
            passes = any(lit in text.encode() for lit in EX.prefilter() or ())
            scanned[path] = ScannedFile(
                path, None, EX.extract(path, text) if passes else FileScan()
            )
    return {r.id: r for r in EX.finalize(scanned, tuple(files))}


def ev(result: DetectorResult) -> list[tuple[int, str, str]]:
    return [(e.line, str(e.polarity), str(e.facts.get("container"))) for e in result.evidence]


DEPLOY = """\
apiVersion: v1
kind: Service
metadata:
  name: api
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: api
          image: example/api:1
          readinessProbe:
            httpGet: {path: /readyz, port: 8080}
          livenessProbe:
            httpGet: {path: /livez, port: 8080}
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {memory: 128Mi}
        - name: sidecar
          image: example/proxy:1
          securityContext:
            runAsUser: 0
          resources:
            requests: {cpu: 10m}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: cleanup
              image: example/api:1
              securityContext:
                privileged: true
"""


def test_deployment_with_and_without_probes() -> None:
    results = run({"deploy/app.yaml": DEPLOY})
    assert ev(results["k8s.probes"]) == [(18, "positive", "api"), (25, "contrary", "sidecar")]
    assert results["k8s.probes"].status is Status.PARTIAL
    assert ev(results["k8s.resources"]) == [
        (22, "positive", "api"),
        (29, "contrary", "sidecar"),
        (43, "contrary", "cleanup"),
    ]
    assert results["k8s.resources"].evidence[1].facts["missing"] == ["limits"]
    assert ev(results["k8s.non_root"]) == [
        (14, "positive", "api"),
        (28, "contrary", "sidecar"),
        (46, "contrary", "cleanup"),
    ]


HELM = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "svc.fullname" . }}
  labels:
    {{- include "svc.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    spec:
      {{- with .Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"""


def test_helm_template_parses_with_templated_values() -> None:
    results = run({"charts/svc/templates/deployment.yaml": HELM})
    probes = results["k8s.probes"]
    assert ev(probes) == [(20, "positive", "{{…}}")]
    res = results["k8s.resources"].evidence[0]
    assert (res.line, res.facts["templated"]) == (24, True)
    assert results["k8s.non_root"].evidence[0].facts["templated"] is True
    assert "Helm values" in results["k8s.resources"].summary


def test_helm_template_that_does_not_parse_falls_back_to_a_line_scan() -> None:
    text = "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n{{ .Values.containers | indent 8 }}\n  - : : bad\n      readinessProbe: x\n"
    results = run({"chart/templates/d.yaml": text})
    (probe,) = results["k8s.probes"].evidence
    assert probe.facts["method"] == "line-scan" and str(probe.polarity) == "positive"
    assert "line scan" in results["k8s.probes"].summary


def test_malformed_manifest_is_an_error_naming_the_file() -> None:
    results = run({"k8s/bad.yaml": "kind: Deployment\ncontainers:\n  - name: a\n   image: [\n"})
    assert results["k8s.probes"].status is Status.ERROR
    assert "k8s/bad.yaml:" in results["k8s.probes"].summary


def test_no_manifests_is_not_applicable() -> None:
    results = run({"config.yaml": "port: 8080\n", ".github/workflows/ci.yml": "containers: x\n"})
    assert {r.status for r in results.values()} == {Status.NOT_APPLICABLE}
