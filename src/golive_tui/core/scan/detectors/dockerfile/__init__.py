"""Dockerfile evidence: how the image is staged, based, run and built.

syntax   the parser (BuildKit's rules), the stage graph, base image names
checks   one function per detector over the final image, and its summary
"""

from __future__ import annotations

from collections.abc import Mapping

from golive_tui.core import filenames
from golive_tui.core.evidence import DetectorResult
from golive_tui.core.scan.detectors import common
from golive_tui.core.scan.detectors.base import FileScan, ScannedFile
from golive_tui.core.scan.detectors.dockerfile.checks import CHECKS, analyse, summarise
from golive_tui.core.scan.detectors.dockerfile.dockerignore import DETECTOR as DOCKERIGNORE
from golive_tui.core.scan.detectors.dockerfile.dockerignore import dockerignore
from golive_tui.core.scan.detectors.dockerfile.syntax import DockerfileError, parse

#: The checks over the parsed Dockerfile; the extractor also owns docker.dockerignore (by path).
DETECTORS = tuple(check.id for check in CHECKS)
#: Meta key of a file whose name looked like a Dockerfile's but whose content is not one.
NOT_A_DOCKERFILE = "not_a_dockerfile"

__all__ = ["DETECTORS", "EXTRACTORS", "DockerfileExtractor", "analyse", "parse"]


class DockerfileExtractor:
    name = "dockerfile"
    # 4: go build on an image not known to be golang's is could not tell; 5: an
    # interpreter's final image is no toolchain for multistage; 6: dev containers left out;
    # 7: a binary copied in prebuilt; 8: ...through an earlier stage
    version = "8"  # 3: continuation lines joined as BuildKit joins them; could-not-tell
    detectors = (*DETECTORS, DOCKERIGNORE)

    skips_go_files = True  # common.GO_FILE_PROMISE: the plan asks it about no Go file

    def matches(self, path: str) -> bool:
        # Every Dockerfile name holds "erfile" (docker-, container-): most paths end here.
        if "erfile" not in path.lower():
            return False
        # A dev container (`.devcontainer/Dockerfile`) is an editor's environment, never
        # shipped: judged as an image, thanos's was contrary on three detectors.
        return (
            common.is_dockerfile(path)
            and not common.is_foreign(path)
            and not path.startswith(".devcontainer/")
            and "/.devcontainer/" not in path
        )

    def prefilter(self) -> tuple[bytes, ...] | None:
        return None  # every Dockerfile matters: one evidence item each

    def extract(self, path: str, text: str) -> FileScan:
        if not filenames.is_dockerfile_text(path, text):
            # `Dockerfile-guide` without a FROM line is a note about Dockerfiles, not one
            return FileScan(meta={NOT_A_DOCKERFILE: True})
        try:
            df = parse(text)
        except DockerfileError as exc:
            return FileScan(errors=(common.error(exc.line, exc.message),))
        except Exception as exc:  # a parser bug must not end the scan
            return FileScan(errors=(common.error(1, f"could not parse: {exc}"),))
        try:
            findings = analyse(df)
        except Exception as exc:
            return FileScan(errors=(common.error(1, f"could not analyse: {exc}"),))
        return FileScan(
            findings=tuple(findings),
            meta={"stages": len(df.stages), "final_base": df.stages[-1].base},
        )

    def finalize(
        self, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        files = {p: sf for p, sf in files.items() if not sf.scan.meta.get(NOT_A_DOCKERFILE)}
        out: list[DetectorResult] = [dockerignore([p for p in all_paths if p in files], all_paths)]
        for check in CHECKS:
            title = common.title_of(check.id)
            if not files:
                out.append(
                    common.not_applicable(check.id, title, "no Dockerfile in the repository")
                )
                continue
            ev = common.collect(files, check.id)
            out.append(
                common.result(
                    check.id,
                    title,
                    ev,
                    summarise(check, ev, len(files)),
                    errors=common.errors_for(files, check.id),
                )
            )
        return out


EXTRACTORS = (DockerfileExtractor(),)
