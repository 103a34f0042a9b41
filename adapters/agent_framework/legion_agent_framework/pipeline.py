"""A sequential pipeline as an Agent Framework workflow: stage 1 -> stage 2 -> ...
(multi_agent_workflow), `WorkflowBuilder(...).add_chain(stages)`.

Each stage is an `Executor` around its own `Agent`: it receives the previous stage's answer
(the first stage the pipeline input), writes it into its task where LEGION's stage task says
`{{input}}`, runs its agent and sends the answer on; the last stage yields the workflow's
output. The built-in `AgentExecutor` would hand the next agent the previous conversation
(whole, or the last agent's messages: `context_mode`) as messages, not the answer written into
the stage's task, which is LEGION's pipeline.
"""

# No `from __future__ import annotations`: the workflow reads the handlers' type hints.

from agent_framework import WorkflowBuilder, WorkflowContext, handler

from .agents import Participant
from .scenario import Runner, RunResult, Scenario
from .workflows import ParticipantExecutor, run_to_output


class Stage(ParticipantExecutor):
    def __init__(self, participant: Participant, task: str, last: bool) -> None:
        super().__init__(participant)
        self._task = task
        self._last = last

    @handler
    async def work(self, previous: str, ctx: WorkflowContext[str, str]) -> None:
        answer = await self.participant.run(self._task.replace("{{input}}", previous))
        if self._last:
            await ctx.yield_output(answer)
        else:
            await ctx.send_message(answer)


class PipelineRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        if len(scenario.tasks) != len(scenario.agents):
            raise ValueError("pipeline: one task per stage is needed")
        count = len(scenario.agents)
        self._stages = [
            Stage(scenario.participant(spec), task, index == count - 1)
            for index, (spec, task) in enumerate(zip(scenario.agents, scenario.tasks, strict=True))
        ]
        self._workflow = (
            WorkflowBuilder(start_executor=self._stages[0]).add_chain(self._stages).build()
        )
        self._input = scenario.pipeline_input

    async def _run(self) -> RunResult:
        answer = await run_to_output(self._workflow, self._input, "pipeline")
        return {
            "answer": answer,
            "transcripts": [stage.participant.transcript() for stage in self._stages],
        }
