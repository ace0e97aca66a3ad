using ScalePlanner.Executor.Measurements;
using ScalePlanner.Simulator.Simulation;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>`execute` across processes: each part of the step next to the cost model's prediction for the same layout.</summary>
public static class DistributedReport
{
    /// <summary>The optimizer state rank 0 kept: elements × fp32 moments × 4 bytes (ZeRO-1 keeps ⌈N/dp⌉ elements per rank).</summary>
    public static string OptimizerState(long elements, int moments) =>
        $"optimizer state on rank 0: {elements:N0} elements × {moments} fp32 moments = {elements * moments * 4L:N0} bytes";

    public static void Write(SimulationResult predicted, MeasuredParts measured, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var time = predicted.Time;
        var table = new Table().Title("step time by part (per rank)").AddColumns("part", "predicted", "measured", "error");
        void Row(string part, double p, double m) =>
            table.AddRow(part, Units.Seconds(p), Units.Seconds(m), m > 0 ? $"{(p - m) / m * 100:+0.0;-0.0} %" : "");
        Row("compute (forward + backward)", time.Compute + time.Recompute, measured.Compute);
        Row("tensor-parallel all-reduce", time.TensorParallelComm, measured.TensorParallelComm);
        if (time.ExpertParallelComm > 0 || measured.ExpertParallelComm > 0) Row("expert-parallel all-to-all", time.ExpertParallelComm, measured.ExpertParallelComm);
        Row("pipeline bubble + point-to-point", time.PipelineBubble + time.PipelineComm, measured.PipelineWait);
        // Replicas of the cost model run in lockstep; a real one waits for the slowest replica's backward (noise, a slower core).
        table.AddRow("waiting for the slowest replica", "not modelled", Units.Seconds(measured.ReplicaWait), "");
        Row("data-parallel reduction (exposed)", time.DataParallelCommExposed, measured.DataParallelComm);
        // The cost model hides overlapped reduction entirely, so it has no figure for the time spent launching it inside backward.
        table.AddRow("data-parallel reduction (in backward)", "hidden", Units.Seconds(measured.DataParallelOverlapped), "");
        Row("optimizer", time.OptimizerStep, measured.Optimizer);
        Row("data wait", time.DataWait, measured.DataWait);
        Row("step", predicted.StepTimeSeconds, measured.Step);
        console.Write(table);
    }
}
