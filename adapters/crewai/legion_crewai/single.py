"""One agent with its tools (simple_task, tool_overhead, large_context_retrieval): an `Agent`,
a `Task` and a `Crew` with `Process.sequential`, kicked off once per run."""

from __future__ import annotations

from crewai import Crew, Process, Task

from .agents import output_text
from .scenario import Recording, RunResult, Scenario

EXPECTED_OUTPUT = "The answer the task asks for."


class SingleRunner:
    def __init__(self, scenario: Scenario) -> None:
        agent = scenario.agent(scenario.agents[0])
        task = Task(description=scenario.tasks[0], expected_output=EXPECTED_OUTPUT, agent=agent)
        self._crew = Crew(
            agents=[agent], tasks=[task], process=Process.sequential, cache=False, verbose=False
        )
        self._llm = scenario.llm

    def run(self) -> RunResult:
        with Recording(self._llm) as recording:
            output = self._crew.kickoff()
        return {"answer": output_text(output), "transcripts": recording.transcripts()}

    def close(self) -> None:
        pass
