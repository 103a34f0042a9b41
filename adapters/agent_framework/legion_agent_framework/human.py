"""Human in the loop (human_in_the_loop) with the framework's request/response machinery.

The agent's `ask_human` is a declaration-only `FunctionTool` (LEGION's schema, {"question"},
no body): when the model calls it, the framework's tool loop pauses the run and returns the
call as a user-input request. The agent runs in a workflow executor that turns each such
request into a workflow request (`ctx.request_info(Question, str)`): the workflow run ends
idle with a `request_info` event. The driver answers it with the scenario's scripted replies,
in order, cycling, through `workflow.run(responses={request_id: reply})`; the executor's
`@response_handler` hands the reply to the agent as the tool's result (a `function_result`
in the agent's `AgentSession`) and the run goes on, until the agent answers. So the model sees
LEGION's conversation: the task, the ask_human call, the reply as its result, and so on.

Reported: `human_asks`, and `human_round_trip_ns`, the mean time from the executor asking
to the agent having the reply (the workflow run ending on the request, the driver's answer,
the workflow resuming and delivering it).
"""

# No `from __future__ import annotations`: the workflow reads the handlers' type hints.

import itertools
import time
from dataclasses import dataclass

from agent_framework import (
    AgentResponse,
    Content,
    FunctionTool,
    Message,
    WorkflowBuilder,
    WorkflowContext,
    handler,
    response_handler,
)

from legion_common import ASK_HUMAN_SPEC

from .messages import last_text
from .scenario import Runner, RunResult, Scenario
from .workflows import ParticipantExecutor


@dataclass
class Question:
    call_id: str
    question: str


class AskingAgent(ParticipantExecutor):
    """Runs the agent; each ask_human call becomes a workflow request for the human."""

    asked_at = 0
    round_trip_ns = 0

    @handler
    async def work(self, task: str, ctx: WorkflowContext[None, str]) -> None:
        self.participant.reset()
        self._answers: dict[str, str] = {}
        await self._continue(await self.participant.respond(task), ctx)

    @response_handler
    async def answered(
        self, question: Question, reply: str, ctx: WorkflowContext[None, str]
    ) -> None:
        self._answers[question.call_id] = reply
        if len(self._answers) < len(self._waiting):
            return  # the other questions of the same model turn are still open
        self.round_trip_ns += time.perf_counter_ns() - self.asked_at
        results = [
            Content.from_function_result(call_id, result=self._answers[call_id])
            for call_id in self._waiting
        ]
        self._answers = {}
        await self._continue(await self.participant.respond(Message("tool", results)), ctx)

    async def _continue(self, response: AgentResponse, ctx: WorkflowContext[None, str]) -> None:
        requests = response.user_input_requests
        if not requests:
            await ctx.yield_output(last_text(response))
            return
        self._waiting = [_call_id(request) for request in requests]
        self.asked_at = time.perf_counter_ns()
        for request in requests:
            arguments = request.parse_arguments() or {}
            question = str(arguments.get("question") or "")
            await ctx.request_info(Question(_call_id(request), question), str)


def _call_id(request: Content) -> str:
    if request.call_id is None:
        raise ValueError("the model's ask_human call has no call id")
    return request.call_id


class HumanRunner(Runner):
    async def _build(self, scenario: Scenario) -> None:
        self._replies: list[str] = scenario.human_replies
        if not self._replies:
            raise ValueError("human-in-the-loop: no human replies")
        ask_human = FunctionTool(
            name=ASK_HUMAN_SPEC["name"],
            description=ASK_HUMAN_SPEC["description"],
            func=None,  # declaration only: the framework pauses the run for the caller
            input_model=ASK_HUMAN_SPEC["parameters"],
        )
        self._agent = AskingAgent(scenario.participant(scenario.agents[0], (ask_human,), keep=True))
        self._workflow = WorkflowBuilder(start_executor=self._agent).build()
        self._task = scenario.tasks[0]

    async def _run(self) -> RunResult:
        replies = itertools.cycle(self._replies)  # every run hears the same replies
        self._agent.round_trip_ns = 0
        asks = 0
        result = await self._workflow.run(self._task)
        while requests := result.get_request_info_events():
            asks += len(requests)
            result = await self._workflow.run(
                responses={request.request_id: next(replies) for request in requests}
            )
        outputs = result.get_outputs()
        if len(outputs) != 1:
            raise RuntimeError(
                f"human-in-the-loop: the workflow yielded {len(outputs)} outputs, not 1"
            )
        return {
            "answer": outputs[0],
            "transcripts": [self._agent.participant.transcript()],
            "metrics": {
                "human_asks": asks,
                "human_round_trip_ns": self._agent.round_trip_ns / max(asks, 1),
            },
        }
