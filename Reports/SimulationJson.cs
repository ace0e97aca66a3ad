using System.Text.Json;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Reports;

/// <summary>The JSON contract of one layout's result (DESIGN.md): field names are stable; new fields may be added, none renamed or dropped.</summary>
public static class SimulationJson
{
    public sealed record Memory(double Weights, double Gradients, double OptimizerStates, double Activations, double Other);

    public sealed record Time(double Compute, double Recompute, double PipelineBubble, double TensorParallelComm, double ContextParallelComm,
        double DataParallelCommExposed, double PipelineComm, double OptimizerStep, double DataWait, double ExpertParallelComm);

    public sealed record Result(
        string Layout, bool Fits, double StepTimeSeconds, double TokensPerSecond, double ModelTflopsPerGpu, double HardwareTflopsPerGpu,
        double ModelFlopsPerStep, double HardwareFlopsPerStep, double Mfu, double Hfu, double MemoryPerGpuBytes, double MemoryCapacityBytes, Memory Memory, Time Time, int Devices, int MicroBatches,
        double Steps, double FailureFreeTimeToTrainSeconds, double CheckpointWriteSeconds, double CheckpointIntervalSeconds,
        double ExpectedInterruptions, double Goodput, double TimeToTrainSeconds, double DeviceHours, double? CostDollars,
        TimelineJson.Summary? Timeline = null, string Framework = "megatron", string AttentionKernel = "flash2", long Parameters = 0, long ActiveParameters = 0);

    public static Time TimeOf(in TimeParts t) => new(t.Compute, t.Recompute, t.PipelineBubble, t.TensorParallelComm, t.ContextParallelComm,
        t.DataParallelCommExposed, t.PipelineComm, t.OptimizerStep, t.DataWait, t.ExpertParallelComm);

    /// <summary>The contract; with a timeline, the step's time and parts are the timeline's and a summary of it is added.</summary>
    public static Result From(SimulationResult r, TimelineJson.Summary? timeline = null) => new(
        r.Layout.ToString(), r.Fits, r.StepTimeSeconds, r.TokensPerSecond, r.ModelTflopsPerGpu, r.HardwareTflopsPerGpu, r.ModelFlopsPerStep, r.HardwareFlopsPerStep, r.Mfu, r.Hfu,
        r.MemoryPerGpuBytes, r.MemoryCapacityBytes,
        new Memory(r.Memory.Weights, r.Memory.Gradients, r.Memory.OptimizerStates, r.Memory.Activations, r.Memory.Other),
        TimeOf(r.Time),
        r.Devices, r.MicroBatches, r.Steps, r.FailureFreeTimeToTrainSeconds, r.CheckpointWriteSeconds, r.CheckpointIntervalSeconds,
        r.ExpectedInterruptions, r.Goodput, r.TimeToTrainSeconds, r.DeviceHours, r.CostDollars, timeline, r.Framework.Key(), r.AttentionKernel.Key(), r.Parameters, r.ActiveParameters);

    public static string Serialize(SimulationResult result, TimelineJson.Summary? timeline = null) => JsonSerializer.Serialize(From(result, timeline), JsonFormat.Options);

    /// <summary>The contract plus the accuracy band (<see cref="BandJson"/>) and what the layout changes in the scenario's training recipe.</summary>
    public static string Serialize(SimulationResult result, TimelineJson.Summary? timeline, AccuracyBand? band, IReadOnlyList<string> recipeChanges)
    {
        var fields = JsonSerializer.SerializeToElement(From(result, timeline), JsonFormat.Options).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        fields["changesRecipe"] = recipeChanges.Count > 0;
        fields["recipeChanges"] = recipeChanges;
        foreach (var (key, value) in BandJson.Fields(result, band)) fields[key] = value;
        return JsonSerializer.Serialize(fields, JsonFormat.Options);
    }
}
