"""A sequential pipeline (multi_agent_workflow): one `Task` per stage, each with its own
`Agent`, in a `Crew` with `Process.sequential`.

CrewAI hands a stage the previous stages' outputs as the task's context ("This is the context
you're working with: ..."), which is how a stage reads the previous stage's answer; the stage
task's `{{input}}` (LEGION's placeholder for it) points there. The first stage's `{{input}}` is
the pipeline input, written into its description when the crew is built.
"""

from __future__ import annotations

from crewai import Crew, CrewOutput, Process, Task
from crewai.agents.agent_builder.base_agent import BaseAgent

from .agents import output_text
from .scenario import Handoffs, Recording, RunResult, Scenario
from .single import EXPECTED_OUTPUT

FROM_CONTEXT = "the previous task's output (in the context below)"


class PipelineRunner:
    def __init__(self, scenario: Scenario) -> None:
        agents: list[BaseAgent] = [scenario.agent(agent) for agent in scenario.agents]
        if len(agents) != len(scenario.tasks):
            raise ValueError("pipeline: one task per agent is needed")
        tasks: list[Task] = []
        for index, (agent, template) in enumerate(zip(agents, scenario.tasks, strict=True)):
            carried = scenario.pipeline_input if index == 0 else FROM_CONTEXT
            tasks.append(
                Task(
                    description=template.replace("{{input}}", carried),
                    expected_output=EXPECTED_OUTPUT,
                    agent=agent,
                    context=tasks[-1:] if tasks else None,
                )
            )
        self._crew = Crew(
            agents=agents, tasks=tasks, process=Process.sequential, cache=False, verbose=False
        )
        self._llm = scenario.llm

    def run(self) -> RunResult:
        with Recording(self._llm) as recording:
            output = self._crew.kickoff()
        if not isinstance(output, CrewOutput):  # a streaming crew's output; this crew streams not
            raise TypeError(f"the pipeline's crew returned {type(output).__name__}")
        handoffs = Handoffs()
        for task_output in output.tasks_output[:-1]:
            handoffs.add(output_text(task_output))  # to the next stage
        return {
            "answer": output_text(output),
            "transcripts": recording.transcripts(),
            "metrics": handoffs.metrics(),
        }

    def close(self) -> None:
        pass
