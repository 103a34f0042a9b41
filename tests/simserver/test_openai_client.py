"""legion-simserver against the official `openai` Python client (the one CrewAI, AutoGen and
langchain-openai build on): plain replies, tool calls, streaming, errors in OpenAI's shape,
a stream abandoned half-way. The server is the build's binary (LEGION_BIN_DIR)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import unittest

import openai

BIN_DIR = os.environ.get("LEGION_BIN_DIR", "build/release/bin")

SCRIPT = (
    "Add the numbers.\n[[script]]\ncall add {\"a\": 2, \"b\": 3}\n"
    "answer The sum is {{result}}\n[[/script]]"
)
ADD = {
    "type": "function",
    "function": {
        "name": "add",
        "description": "a + b",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
            "required": ["a", "b"],
        },
    },
}


class SimServer:
    """legion-simserver on a free port for one test class."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [os.path.join(BIN_DIR, "legion-simserver"), "--port=0", *args],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        if "listening on " not in line:
            self.process.kill()
            raise RuntimeError(f"legion-simserver did not start: {line!r}")
        self.url = line.split("listening on ", 1)[1].strip()

    def counters(self) -> dict:
        import urllib.request

        with urllib.request.urlopen(self.url + "/legion/counters") as reply:
            return json.load(reply)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


class OpenAIClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.server = SimServer("--model-latency=fixed:50ms")
        cls.client = openai.OpenAI(base_url=cls.server.url + "/v1", api_key="unused", max_retries=0)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()
        cls.server.stop()

    def test_models(self) -> None:
        self.assertEqual([m.id for m in self.client.models.list()], ["legion-simulated"])
        self.assertEqual(self.client.models.retrieve("legion-simulated").object, "model")
        with self.assertRaises(openai.NotFoundError):
            self.client.models.retrieve("gpt-9")

    def test_plain_reply(self) -> None:
        reply = self.client.chat.completions.create(
            model="anything",
            messages=[{"role": "user", "content": "[[script]]\nanswer Hello there\n[[/script]]"}],
        )
        self.assertEqual(reply.object, "chat.completion")
        self.assertEqual(reply.model, "anything")
        self.assertEqual(reply.choices[0].message.content, "Hello there")
        self.assertEqual(reply.choices[0].finish_reason, "stop")
        self.assertGreater(reply.usage.prompt_tokens, 0)
        self.assertEqual(
            reply.usage.total_tokens, reply.usage.prompt_tokens + reply.usage.completion_tokens
        )

    def test_tool_call_then_answer(self) -> None:
        messages = [{"role": "system", "content": "Be exact."}, {"role": "user", "content": SCRIPT}]
        first = self.client.chat.completions.create(model="m", messages=messages, tools=[ADD])
        choice = first.choices[0]
        self.assertEqual(choice.finish_reason, "tool_calls")
        self.assertIsNone(choice.message.content)
        call = choice.message.tool_calls[0]
        self.assertEqual(call.type, "function")
        self.assertEqual(call.function.name, "add")
        self.assertEqual(json.loads(call.function.arguments), {"a": 2, "b": 3})
        messages.append(choice.message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": "5"})
        second = self.client.chat.completions.create(model="m", messages=messages, tools=[ADD])
        self.assertEqual(second.choices[0].message.content, "The sum is 5")

    def test_streaming_text_tool_calls_and_usage(self) -> None:
        stream = self.client.chat.completions.create(
            model="m",
            messages=[{"role": "user", "content": SCRIPT}],
            tools=[ADD],
            stream=True,
            stream_options={"include_usage": True},
        )
        arguments, names, finish, usage = "", [], None, None
        for chunk in stream:
            self.assertEqual(chunk.object, "chat.completion.chunk")
            if chunk.usage is not None:
                usage = chunk.usage
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            for call in delta.tool_calls or ():
                if call.function.name:
                    names.append(call.function.name)
                arguments += call.function.arguments or ""
            finish = chunk.choices[0].finish_reason or finish
        self.assertEqual(names, ["add"])
        self.assertEqual(json.loads(arguments), {"a": 2, "b": 3})
        self.assertEqual(finish, "tool_calls")
        self.assertIsNotNone(usage)
        self.assertGreater(usage.completion_tokens, 0)

        text = "".join(
            chunk.choices[0].delta.content or ""
            for chunk in self.client.chat.completions.create(
                model="m",
                messages=[{"role": "user", "content": "[[script]]\nanswer a b c d\n[[/script]]"}],
                stream=True,
            )
            if chunk.choices
        )
        self.assertEqual(text, "a b c d")

    def test_async_client(self) -> None:
        async def main() -> list[str]:
            client = openai.AsyncOpenAI(base_url=self.server.url + "/v1", api_key="unused")
            try:
                replies = await asyncio.gather(
                    *(
                        client.chat.completions.create(
                            model="m",
                            messages=[
                                {"role": "user", "content": f"[[script]]\nanswer r{i}\n[[/script]]"}
                            ],
                        )
                        for i in range(20)
                    )
                )
            finally:
                await client.close()
            return [r.choices[0].message.content for r in replies]

        self.assertEqual(asyncio.run(main()), [f"r{i}" for i in range(20)])

    def test_errors_in_openai_shape(self) -> None:
        with self.assertRaises(openai.BadRequestError) as caught:
            self.client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "no script here"}]
            )
        self.assertEqual(caught.exception.status_code, 400)
        self.assertEqual(caught.exception.code, "script_error")
        self.assertIn("no [[script]] block", caught.exception.message)
        with self.assertRaises(openai.BadRequestError) as caught:
            self.client.chat.completions.create(model="m", messages=[])
        self.assertEqual(caught.exception.param, "messages")

    def test_abandoned_stream(self) -> None:
        slow = SimServer("--model-latency=fixed:400ms")
        try:
            client = openai.OpenAI(base_url=slow.url + "/v1", api_key="unused", max_retries=0)
            stream = client.chat.completions.create(
                model="m",
                messages=[{"role": "user", "content": "[[script]]\nanswer " + "w " * 50 + "\n[[/script]]"}],
                stream=True,
            )
            first = next(iter(stream))
            self.assertEqual(first.choices[0].delta.role, "assistant")
            stream.close()  # hang up mid-stream
            reply = client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "[[script]]\nanswer ok\n[[/script]]"}]
            )
            self.assertEqual(reply.choices[0].message.content, "ok")
            self.assertEqual(slow.counters()["calls"], 2)
            client.close()
        finally:
            slow.stop()


if __name__ == "__main__":
    unittest.main()
