"""CPU per run of N concurrent `Runner.run` calls of one shared `Agent` against one clone per
run, openai-agents 0.24.0, with a stand-in model in plain Python (no bridge, no C++): one tool
call and one answer per run, as concurrent_execution. Run from the repository root:

    CLONE=0 .venv-openai-agents/bin/python results/2026-12-04-openai-agents/shared_vs_cloned_agents.py
    CLONE=1 .venv-openai-agents/bin/python results/2026-12-04-openai-agents/shared_vs_cloned_agents.py
    CLONE=0 ... shared_vs_cloned_agents.py profile   # plus the cProfile of 1,024 shared runs
"""

import asyncio
import cProfile
import os
import pstats
import sys
import time
import types

sys.modules["legion_bridge"] = types.ModuleType("legion_bridge")  # the package imports it
sys.path[:0] = ["adapters/openai_agents", "adapters/python_common"]

from agents import Agent, RunConfig, Runner  # noqa: E402

from legion_openai_agents.model import LegionModel, LegionModelProvider  # noqa: E402
from legion_openai_agents.tools import schema_tool  # noqa: E402


class StandInModel:
    """A tool call on the task, then the answer from the tool result."""

    def complete_deferred(self, messages, tools):
        reply = {"prompt_tokens": 3, "completion_tokens": 1, "wait_s": 0}
        if messages[-1]["role"] == "user":
            call = {"id": "call_0_0", "name": "add", "arguments": {"a": 1, "b": 2}}
            return {**reply, "content": "", "tool_calls": [call]}
        return {**reply, "content": "sum " + messages[-1]["content"], "tool_calls": []}


async def add(arguments):
    return str(arguments["a"] + arguments["b"])


SCHEMA = {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}}
tool = schema_tool({"name": "add", "description": "", "parameters": SCHEMA}, add)
model = LegionModel(StandInModel())
config = RunConfig(model=model, model_provider=LegionModelProvider(model), tracing_disabled=True)
agent = Agent(name="analyst", instructions="Add.", tools=[tool])
clone = os.environ.get("CLONE") == "1"


async def runs(n):
    agents = [agent.clone() for _ in range(n)] if clone else [agent] * n
    await asyncio.gather(*(Runner.run(a, "go", run_config=config) for a in agents))


loop = asyncio.new_event_loop()
loop.run_until_complete(runs(4))  # warm-up
print(f"{'one clone per run' if clone else 'one shared agent'}:")
for n in (64, 256, 1024):
    started = time.process_time()
    loop.run_until_complete(runs(n))
    print(f"  {n} runs: {(time.process_time() - started) / n * 1000:.2f} ms CPU per run")
if sys.argv[1:] == ["profile"]:
    profile = cProfile.Profile()
    profile.enable()
    loop.run_until_complete(runs(1024))
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(4)
