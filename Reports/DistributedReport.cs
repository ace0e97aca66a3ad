using ScalePlanner.Executor.Measurements;
using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Simulation;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>`execute` across processes: each part of the step next to the cost model's prediction for the same layout.</summary>
public static class DistributedReport
{
    /// <summary>The optimizer state rank 0 kept: elements × fp32 moments × 4 bytes (ZeRO-1 keeps ⌈N/dp⌉ elements per rank).</summary>
    public static string OptimizerState(long elements, int moments) =>
        $"optimizer state on rank 0: {elements:N0} elements × {moments} fp32 moments = {elements * moments * 4L:N0} bytes";

    /// <param name="cluster">The cluster the layout runs on: with several nodes, the parts whose groups cross nodes are summed in a row of their own.</param>
    public static void Write(SimulationResult predicted, MeasuredParts measured, ClusterSpec? cluster = null, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var time = predicted.Time;
        var table = new Table().Title("step time by part (per rank)").AddColumns("part", "predicted", "measured", "error");
        void Row(string part, double p, double m) =>
            table.AddRow(part, Units.Seconds(p), Units.Seconds(m), m > 0 ? $"{(p - m) / m * 100:+0.0;-0.0} %" : "");
        Row("compute (forward + backward)", time.Compute + time.Recompute, measured.Compute);
        Row("tensor-parallel all-reduce", time.TensorParallelComm, measured.TensorParallelComm);
        // Tensor ranks of the cost model reach each collective together; real ones wait for the group's slowest (noise, a slower core).
        if (measured.TensorParallelWait > 0) table.AddRow("waiting for the other tensor-parallel ranks", "not modelled", Units.Seconds(measured.TensorParallelWait), "");
        if (time.ExpertParallelComm > 0 || measured.ExpertParallelComm > 0) Row("expert-parallel all-to-all", time.ExpertParallelComm, measured.ExpertParallelComm);
        Row("pipeline bubble + point-to-point", time.PipelineBubble + time.PipelineComm, measured.PipelineWait);
        // Replicas of the cost model run in lockstep; a real one waits for the slowest replica's backward (noise, a slower core).
        table.AddRow("waiting for the slowest replica", "not modelled", Units.Seconds(measured.ReplicaWait), "");
        Row("data-parallel reduction (exposed)", time.DataParallelCommExposed, measured.DataParallelComm);
        // The cost model hides overlapped reduction entirely, so it has no figure for the time spent launching it inside backward.
        table.AddRow("data-parallel reduction (in backward)", "hidden", Units.Seconds(measured.DataParallelOverlapped), "");
        Row("optimizer", time.OptimizerStep, measured.Optimizer);
        Row("data wait", time.DataWait, measured.DataWait);
        if (cluster is { Nodes: > 1 } && NodeCrossing.Of(predicted.Layout, cluster) is { Any: true } crossing) InterNode(crossing, time, measured, Row);
        Row("step", predicted.StepTimeSeconds, measured.Step);
        console.Write(table);
    }

    /// <summary>
    /// The communication that crosses nodes, as a row of its own: the sum of the rows above whose groups leave the node (the
    /// executor places ranks as the cost model does, devicesPerNode consecutive ranks per machine, so the same rows cross in
    /// both). A pipeline across nodes counts its whole bubble + point-to-point row: the executor cannot tell waiting from sending.
    /// </summary>
    private static void InterNode(NodeCrossing crossing, TimeParts time, MeasuredParts measured, Action<string, double, double> row)
    {
        var parts = new List<(string Name, double Predicted, double Measured)>();
        if (crossing.Tensor) parts.Add(("tensor-parallel", time.TensorParallelComm, measured.TensorParallelComm));
        if (crossing.Pipeline) parts.Add(("pipeline", time.PipelineBubble + time.PipelineComm, measured.PipelineWait));
        if (crossing.Data) parts.Add(("data-parallel", time.DataParallelCommExposed, measured.DataParallelComm));
        row($"inter-node communication ({string.Join(" + ", parts.Select(p => p.Name))})", parts.Sum(p => p.Predicted), parts.Sum(p => p.Measured));
    }
}
