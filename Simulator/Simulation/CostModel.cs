using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>
/// The cost model's entry point. One prediction: validate the layout, cost it with <see cref="StepModel"/>, add time and cost
/// to train with failures. <see cref="Run"/> is the one place a step estimate becomes throughput, utilisation and time to
/// train; `simulate` reaches it through <see cref="Result"/>, the search calls it for every candidate.
/// </summary>
public static class CostModel
{
    public static SimulationResult Evaluate(TrainingJob job, Layout layout, DeviceProfile? profile = null)
    {
        layout.Validated(job.Model, job.Training, job.Cluster.Devices);
        var stepModel = new StepModel(job, profile);
        var shape = stepModel.Shape(layout);
        return Result(job, layout, stepModel.Estimate(shape, layout));
    }

    /// <summary>What one step estimate means for the whole run: steps, throughput, utilisation, time to train with expected failures. No allocation.</summary>
    public static RunEstimate Run(TrainingJob job, in Layout layout, in StepEstimate estimate)
    {
        var (model, cluster, training) = job;
        double step = estimate.Time.Total;
        int devices = layout.Devices;
        double peak = cluster.Accelerator.PeakFlops(layout.Precision);
        double modelPerDevice = estimate.ModelFlops / step / devices, hardwarePerDevice = estimate.HardwareFlops / step / devices;
        double tokensPerStep = (double)training.GlobalBatchSize * model.SequenceLength;
        double steps = training.Tokens / tokensPerStep;
        var failures = FailureModel.Of(steps * step, estimate.CheckpointBytes, devices, cluster.Nodes, cluster.Reliability);
        return new RunEstimate(steps, tokensPerStep / step, modelPerDevice, hardwarePerDevice, modelPerDevice / peak, hardwarePerDevice / peak, failures);
    }

    /// <summary>
    /// Turns a step estimate into the full result: throughput, utilisation, time to train with expected failures, cost. A figure
    /// that is not finite and positive is an error naming its inputs (<see cref="ResultCheck"/>), never a result.
    /// </summary>
    public static SimulationResult Result(TrainingJob job, in Layout layout, in StepEstimate estimate)
    {
        var cluster = job.Cluster;
        var run = Run(job, layout, estimate);
        double step = estimate.Time.Total;
        int devices = layout.Devices;
        var failures = run.Failures;
        double deviceHours = failures.WallSeconds * devices / 3600;
        return new SimulationResult
        {
            Layout = layout,
            Framework = job.Training.Framework,
            AttentionKernel = job.Training.AttentionKernel,
            Devices = devices,
            Parameters = job.Model.ParameterCount,
            ActiveParameters = job.Model.ActiveParameterCount,
            MicroBatches = estimate.MicroBatches,
            Fits = estimate.Memory.Total <= cluster.Accelerator.MemoryBytes,
            MemoryCapacityBytes = cluster.Accelerator.MemoryBytes,
            Memory = estimate.Memory,
            Time = estimate.Time,
            StepTimeSeconds = step,
            TokensPerSecond = run.TokensPerSecond,
            ModelTflopsPerGpu = run.ModelFlopsPerDevice / 1e12,
            HardwareTflopsPerGpu = run.HardwareFlopsPerDevice / 1e12,
            ModelFlopsPerStep = estimate.ModelFlops,
            HardwareFlopsPerStep = estimate.HardwareFlops,
            Mfu = run.Mfu,
            Hfu = run.Hfu,
            Steps = run.Steps,
            FailureFreeTimeToTrainSeconds = run.Steps * step,
            CheckpointWriteSeconds = failures.CheckpointWriteSeconds,
            CheckpointIntervalSeconds = failures.CheckpointIntervalSeconds,
            ExpectedInterruptions = failures.ExpectedInterruptions,
            Goodput = failures.Goodput,
            TimeToTrainSeconds = failures.WallSeconds,
            DeviceHours = deviceHours,
            CostDollars = cluster.PricePerDeviceHour > 0 ? deviceHours * cluster.PricePerDeviceHour : null,
        }.Checked(job);
    }
}
