"""A sequential pipeline as an AutoGen `GraphFlow`: stage 1 -> stage 2 -> ...
(multi_agent_workflow).

Each stage is its own `AssistantAgent`; its stage task (with its script) is part of its system
message, as an AutoGen user writes a stage's job into the agent, and the data flows through
the team's messages: the first stage gets the pipeline input as the team's task, each later
stage the previous stages' replies. Where LEGION writes the previous answer into the stage's
task (`{{input}}`), here it is the message the stage receives, so the wording says so. The
scripts read the previous answer with `{{find:...}}`, so the replies (and the work hash) are
LEGION's. The flow ends after the last stage; it is reset after every run.
"""

from __future__ import annotations

import itertools

from autogen_agentchat.base import ChatAgent
from autogen_agentchat.teams import DiGraphBuilder, GraphFlow

from .agents import agent_transcript, last_text
from .scenario import Runner, RunResult, Scenario

INPUT_WORDING = "the message you receive"


class PipelineRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        if len(scenario.tasks) != len(scenario.agents):
            raise ValueError("pipeline: one task per stage is needed")
        self._specs = [
            {**spec, "instructions": _join(spec.get("instructions", ""), task)}
            for spec, task in zip(scenario.agents, scenario.tasks, strict=True)
        ]
        self._agents = [scenario.agent(spec) for spec in self._specs]
        builder = DiGraphBuilder()
        for agent in self._agents:
            builder.add_node(agent)
        for before, after in itertools.pairwise(self._agents):
            builder.add_edge(before, after)
        participants: list[ChatAgent] = list(self._agents)
        self._team = GraphFlow(participants, graph=builder.build())
        self._input = scenario.pipeline_input

    async def _run(self) -> RunResult:
        try:
            result = await self._team.run(task=self._input)
            return {
                "answer": last_text(result, {self._specs[-1]["name"]}),
                "transcripts": [
                    await agent_transcript(agent, spec)
                    for agent, spec in zip(self._agents, self._specs, strict=True)
                ],
                "metrics": {"messages": len(result.messages)},
            }
        finally:
            await self._team.reset()


def _join(instructions: str, task: str) -> str:
    task = task.replace("{{input}}", INPUT_WORDING)
    return f"{instructions}\n{task}" if instructions else task
