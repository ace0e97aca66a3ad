using System.Text.Json;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Reports;

/// <summary>
/// timeline.json: the simulated step, every group's breakdown, the critical path and the events of <c>eventsOfReplicas</c>
/// (one replica without a slowdown, which all others without one repeat exactly, and every slowed one); and the summary
/// `simulate --timeline --format json` adds to the contract.
/// </summary>
public static class TimelineJson
{
    public sealed record Summary(
        double StepTimeSeconds, double ClosedFormStepTimeSeconds, double BubbleFraction, double ExposedCommSeconds, int CriticalGroup,
        int CriticalFirstDevice, double MinBusySeconds, double MaxBusySeconds, double MaxIdleSeconds, long EventsProcessed);

    public sealed record GroupRow(
        int Group, int Replica, int Stage, int FirstDevice, int Devices, double Slowdown, double BusySeconds, double ExposedCommSeconds,
        double IdleSeconds, double EndSeconds, double DataParallelCommSeconds, SimulationJson.Time Time);

    public sealed record Step(int Group, string What, double Start, double End, double KernelSeconds);

    public sealed record Event(int Group, WorkKind Kind, int Chunk, int MicroBatch, double Start, double End);

    public sealed record Document(
        string Layout, Summary Summary, int Stages, int Chunks, int Replicas, int MicroBatches, SimulationJson.Time Time,
        IReadOnlyList<GroupRow> Groups, IReadOnlyList<Step> CriticalPath, IReadOnlyList<int> EventsOfReplicas, IReadOnlyList<Event> Events);

    public static Summary Summarize(TimelineResult t, SimulationResult closedForm) => new(
        t.StepTimeSeconds, closedForm.StepTimeSeconds, t.BubbleFraction, t.ExposedCommSeconds, t.CriticalGroup,
        t.Groups[t.CriticalGroup].FirstDevice, t.Groups.Min(g => g.BusySeconds), t.Groups.Max(g => g.BusySeconds),
        t.Groups.Max(g => g.IdleSeconds), t.EventsProcessed);

    public static string Serialize(TimelineSimulation simulation)
    {
        var t = simulation.Timeline;
        var document = new Document(
            simulation.Result.Layout.ToString(), Summarize(t, simulation.ClosedForm), t.Stages, t.Chunks, t.Replicas, t.MicroBatches,
            SimulationJson.TimeOf(t.Time),
            [.. t.Groups.Select(g => new GroupRow(g.Group, g.Replica, g.Stage, g.FirstDevice, g.Devices, g.Slowdown, g.BusySeconds, g.ExposedCommSeconds,
                g.IdleSeconds, g.EndSeconds, g.DataParallelCommSeconds, SimulationJson.TimeOf(g.Time)))],
            [.. t.CriticalPath.Select(c => new Step(c.Group, c.ToString(), c.Start, c.End, c.KernelSeconds))],
            t.RecordedReplicas,
            [.. t.Events.Select(e => new Event(e.Group, e.Kind, e.Chunk, e.MicroBatch, e.Start, e.End))]);
        return JsonSerializer.Serialize(document, JsonFormat.Options);
    }
}
