"""The OpenAI Batch API side of the loopback server (:mod:`tests.loopback`), for tests.

Set ``loopback.batch_api = BatchServer()`` and the server grows ``POST /v1/files`` (the SDK's
multipart upload), ``GET /v1/files/{id}/content``, ``POST /v1/batches`` and
``GET /v1/batches/{id}``; without it those paths 404 as on vLLM's server or llama.cpp.

A batch moves one step per retrieve: created ``validating``, then each ``progress`` status in
turn (validating, in_progress), then its end (``completed``, or ``expired`` when ``expire_after`` is set). At the end the
input lines are answered with the scripted replies in input order (``script``: the same
``Reply.completion`` / ``Reply.stream`` contents the chat tests use; a ``Reply.error`` becomes a
line of the error file); the output file lists its lines in reverse input order, as a real
server's order differs from the input. With ``expire_after=N`` only the first N lines are
answered and the rest go to the error file as ``batch_expired``.

A scripted reply may also be a function of the request's body returning the :class:`Reply`:
:func:`adapted` answers a platform version request (``drafter adapt``'s body) with a post that
quotes the first line of the LinkedIn post it was asked to adapt, so a test can see which
answer went into which draft.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from typing import Any, Callable, Union

from tests.loopback import Reply, _completion

ROUTES = ("/v1/files", "/v1/batches")
Scripted = Union[Reply, Callable[[dict[str, Any]], Reply]]
"""A batch line's answer: a reply, or a function of the request's body that makes one."""


def adapted(body: dict[str, Any]) -> Reply:
    """The answer to a platform version request: ``{"posts": ["<Platform>: <the post's first line>"]}``."""
    assert body["response_format"]["json_schema"]["name"] == "platform_posts", "not a platform version request"
    user = body["messages"][1]["content"]
    platform = re.search(r"Adapt this finished LinkedIn post for (.+?)\.", user).group(1)
    post = re.search(r"<<<POST (\w+)\n(.*?)\n\1 POST>>>", user, re.S).group(2)
    return Reply.completion({"posts": [f"{platform}: {post.splitlines()[0]}"]})


@dataclass
class Upload:
    """A file the client uploaded."""

    id: str
    purpose: str
    filename: str
    data: bytes

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.data.decode("utf-8").splitlines() if line.strip()]


@dataclass
class BatchServer:
    """The Batch API's state (thread-safe: the handler threads and the test share it)."""

    progress: list[str] = field(default_factory=lambda: ["validating", "in_progress"])
    """The statuses successive retrieves answer before the end (``[]``: the first retrieve ends it)."""
    expire_after: int | None = None
    """Answer only the first N input lines, then expire the batch."""
    uploads: list[Upload] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    """The bodies of POST /v1/batches."""
    retrieves: int = 0
    downloads: list[str] = field(default_factory=list)
    """The file ids whose content was asked for."""
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    _replies: list[Scripted] = field(default_factory=list)
    _steps: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def script(self, *replies: Scripted) -> "BatchServer":
        """Answers for the next batches' input lines, in input order (a function: called with the line's body)."""
        with self._lock:
            self._replies.extend(replies)
        return self

    @staticmethod
    def handles(path: str) -> bool:
        return path.split("?")[0].startswith(ROUTES)

    # ---- routes (called from the loopback's handler) ------------------------------------------

    def post(self, handler: Any, raw: bytes) -> None:
        path = handler.path.split("?")[0].rstrip("/")
        if path == "/v1/files":
            upload = self._upload(handler.headers.get("content-type", ""), raw)
            handler._send_json(200, {"id": upload.id, "object": "file", "bytes": len(upload.data), "created_at": 0,
                                     "filename": upload.filename, "purpose": upload.purpose, "status": "processed"})
        elif path == "/v1/batches":
            handler._send_json(200, self._create(json.loads(raw or b"{}")))
        else:
            handler._send_json(404, {"error": {"message": f"no route {path}", "type": "not_found"}})

    def get(self, handler: Any) -> None:
        parts = handler.path.split("?")[0].strip("/").split("/")  # v1, files|batches, id[, content]
        with self._lock:
            if parts[1:2] == ["files"] and len(parts) == 4 and parts[3] == "content" and parts[2] in self.files:
                self.downloads.append(parts[2])
                data = self.files[parts[2]]
            elif parts[1:2] == ["batches"] and len(parts) == 3 and parts[2] in self.batches:
                self.retrieves += 1
                handler._send_json(200, self._step(parts[2]))
                return
            else:
                handler._send_json(404, {"error": {"message": f"no such object {handler.path}", "type": "not_found"}})
                return
        handler.send_response(200)
        handler.send_header("content-type", "application/octet-stream")
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        handler.wfile.flush()

    # ---- behaviour -----------------------------------------------------------------------------

    def _upload(self, content_type: str, raw: bytes) -> Upload:
        message = BytesParser(policy=policy.HTTP).parsebytes(b"content-type: " + content_type.encode() + b"\r\n\r\n" + raw)
        fields: dict[str, Any] = {}
        filename = ""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields[name] = part.get_payload(decode=True)
            if name == "file":
                filename = part.get_filename() or ""
        with self._lock:
            upload = Upload(f"file-in-{len(self.uploads) + 1}", fields.get("purpose", b"").decode(), filename,
                            fields.get("file", b""))
            self.uploads.append(upload)
            self.files[upload.id] = upload.data
        return upload

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.created.append(body)
            batch_id = f"batch_loop{len(self.batches) + 1}"
            total = len([x for x in self.files.get(body.get("input_file_id", ""), b"").splitlines() if x.strip()])
            batch = {
                "id": batch_id, "object": "batch", "endpoint": body.get("endpoint"), "errors": None,
                "input_file_id": body.get("input_file_id"), "completion_window": body.get("completion_window"),
                "status": "validating", "output_file_id": None, "error_file_id": None, "created_at": 0,
                "request_counts": {"total": total, "completed": 0, "failed": 0}, "metadata": body.get("metadata"),
            }
            self.batches[batch_id] = batch
            self._steps[batch_id] = 0
            return dict(batch)

    def _step(self, batch_id: str) -> dict[str, Any]:
        """The batch one step further (under the lock)."""
        batch = self.batches[batch_id]
        step = self._steps[batch_id] = self._steps[batch_id] + 1
        if batch["status"] in ("completed", "expired"):
            return dict(batch)
        if step <= len(self.progress):
            batch["status"] = self.progress[step - 1]
        else:
            self._finish(batch)
        return dict(batch)

    def _finish(self, batch: dict[str, Any]) -> None:
        inputs = [json.loads(x) for x in self.files[batch["input_file_id"]].splitlines() if x.strip()]
        output, errors = [], []
        for index, request in enumerate(inputs):
            custom_id, model = request["custom_id"], request["body"].get("model", "loopback-model")
            line_id = f"batch_req_{index + 1}"
            if self.expire_after is not None and index >= self.expire_after:
                errors.append({"id": line_id, "custom_id": custom_id, "response": None, "error": {
                    "code": "batch_expired",
                    "message": "This request could not be executed before the completion window expired."}})
                continue
            reply = self._replies.pop(0) if self._replies else Reply.error(500, "loopback: no scripted batch reply")
            if callable(reply):
                reply = reply(request["body"])
            if reply.kind == "error":
                errors.append({"id": line_id, "custom_id": custom_id, "error": None, "response": {
                    "status_code": reply.status, "request_id": f"req_{index}", "body": {"error": reply.error}}})
            else:
                output.append({"id": line_id, "custom_id": custom_id, "error": None, "response": {
                    "status_code": 200, "request_id": f"req_{index}", "body": _completion(model, reply)}})
        output.reverse()  # the output's order differs from the input's
        if output:
            batch["output_file_id"] = self._file(batch["id"] + "-output", output)
        if errors:
            batch["error_file_id"] = self._file(batch["id"] + "-errors", errors)
        batch["status"] = "expired" if self.expire_after is not None else "completed"
        batch["request_counts"] = {"total": len(inputs), "completed": len(output), "failed": len(errors)}

    def _file(self, file_id: str, lines: list[dict[str, Any]]) -> str:
        self.files[file_id] = "".join(json.dumps(line) + "\n" for line in lines).encode()
        return file_id
