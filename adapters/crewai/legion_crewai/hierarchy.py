"""A manager that delegates to workers (hierarchical): `Process.hierarchical` with a
`manager_agent`.

CrewAI gives the manager its delegation tools ("Delegate work to coworker" with {task,
context, coworker}, and "Ask question to coworker"); the tool runs the named worker (found by
role) on a task of its own and returns the worker's answer as the tool result. The script's
`delegate` fills that schema (docs/simulated-model.md). The workers' runs are recorded from
the model traffic, in the order they started: the manager first, then each delegated worker.
"""

from __future__ import annotations

from crewai import Crew, Process, Task

from .agents import output_text
from .scenario import Handoffs, Recording, RunResult, Scenario
from .single import EXPECTED_OUTPUT


def _is_delegation(call: dict) -> bool:
    return "delegate" in call["name"].lower()


class HierarchyRunner:
    def __init__(self, scenario: Scenario) -> None:
        manager, *workers = scenario.agents
        if not workers:
            raise ValueError("hierarchy: no workers")
        # CrewAI adds the delegation tools to the manager itself (allow_delegation).
        manager_agent = scenario.agent(manager, allow_delegation=True)
        task = Task(description=scenario.tasks[0], expected_output=EXPECTED_OUTPUT)
        self._crew = Crew(
            agents=[scenario.agent(worker) for worker in workers],
            tasks=[task],
            process=Process.hierarchical,
            manager_agent=manager_agent,
            cache=False,
            verbose=False,
        )
        self._llm = scenario.llm

    def run(self) -> RunResult:
        with Recording(self._llm) as recording:
            output = self._crew.kickoff()
        transcripts = recording.transcripts()
        # The manager's run is the first; its delegation calls and their results are the
        # messages between agents (a task out, an answer back).
        handoffs = Handoffs()
        delegations = 0
        results = {
            m.get("tool_call_id"): m["content"] for m in transcripts[0] if m["role"] == "tool"
        }
        for message in transcripts[0]:
            for call in message.get("tool_calls", ()):
                if _is_delegation(call):
                    delegations += 1
                    handoffs.add(str(call["arguments"].get("task", "")))
                    handoffs.add(results.get(call["id"], ""))
        return {
            "answer": output_text(output),
            "transcripts": transcripts,
            "metrics": {"delegations": float(delegations), **handoffs.metrics()},
        }

    def close(self) -> None:
        pass
