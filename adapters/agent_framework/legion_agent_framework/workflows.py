"""What the workflow patterns share: an executor around one scenario agent, and running a
workflow to its one output."""

from typing import Any

from agent_framework import Executor, Workflow

from .agents import Participant


class ParticipantExecutor(Executor):
    """A workflow executor that runs one scenario agent; its id is the agent's name."""

    def __init__(self, participant: Participant) -> None:
        super().__init__(id=participant.name)
        self.participant = participant


async def run_to_output(workflow: Workflow, message: Any, pattern: str) -> str:
    """Runs the workflow on `message` to completion; its one output."""
    outputs = (await workflow.run(message)).get_outputs()
    if len(outputs) != 1:
        raise RuntimeError(f"{pattern}: the workflow yielded {len(outputs)} outputs, not 1")
    return outputs[0]
