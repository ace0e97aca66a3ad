using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>One prediction: validate the layout, cost it with <see cref="StepModel"/>, add time and cost to train with failures.</summary>
public static class Simulator
{
    public static SimulationResult Evaluate(TrainingJob job, Layout layout, DeviceProfile? profile = null)
    {
        layout.Validated(job.Model, job.Training, job.Cluster.Devices);
        var stepModel = new StepModel(job, profile);
        var shape = stepModel.Shape(layout);
        return Result(job, layout, stepModel.Estimate(shape, layout));
    }

    /// <summary>Turns a step estimate into the full result: throughput, utilisation, time to train with expected failures, cost.</summary>
    public static SimulationResult Result(TrainingJob job, in Layout layout, in StepEstimate estimate)
    {
        var (model, cluster, training) = job;
        double step = estimate.Time.Total;
        int devices = layout.Devices;
        double peak = cluster.Accelerator.PeakFlops(layout.Precision);
        double modelPerDevice = estimate.ModelFlops / step / devices, hardwarePerDevice = estimate.HardwareFlops / step / devices;
        double tokensPerStep = (double)training.GlobalBatchSize * model.SequenceLength;
        double steps = training.Tokens / tokensPerStep;
        var failures = FailureModel.Of(steps * step, estimate.CheckpointBytes, devices, cluster.Nodes, cluster.Reliability);
        double deviceHours = failures.WallSeconds * devices / 3600;
        return new SimulationResult
        {
            Layout = layout,
            Framework = training.Framework,
            AttentionKernel = training.AttentionKernel,
            Devices = devices,
            MicroBatches = estimate.MicroBatches,
            Fits = estimate.Memory.Total <= cluster.Accelerator.MemoryBytes,
            MemoryCapacityBytes = cluster.Accelerator.MemoryBytes,
            Memory = estimate.Memory,
            Time = estimate.Time,
            StepTimeSeconds = step,
            TokensPerSecond = tokensPerStep / step,
            ModelTflopsPerGpu = modelPerDevice / 1e12,
            HardwareTflopsPerGpu = hardwarePerDevice / 1e12,
            ModelFlopsPerStep = estimate.ModelFlops,
            HardwareFlopsPerStep = estimate.HardwareFlops,
            Mfu = modelPerDevice / peak,
            Hfu = hardwarePerDevice / peak,
            Steps = steps,
            FailureFreeTimeToTrainSeconds = steps * step,
            CheckpointWriteSeconds = failures.CheckpointWriteSeconds,
            CheckpointIntervalSeconds = failures.CheckpointIntervalSeconds,
            ExpectedInterruptions = failures.ExpectedInterruptions,
            Goodput = failures.Goodput,
            TimeToTrainSeconds = failures.WallSeconds,
            DeviceHours = deviceHours,
            CostDollars = cluster.PricePerDeviceHour > 0 ? deviceHours * cluster.PricePerDeviceHour : null,
        };
    }
}
