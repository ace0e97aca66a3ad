using CsvHelper;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Reports;

/// <summary>`plan --format csv` and plan.csv: one row per ranked layout, invariant culture, seconds and bytes as plain numbers.</summary>
public static partial class PlanCsv
{
    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("rank")] public int Rank { get; set; }
        [CsvColumn("accelerator")] public string Accelerator { get; set; } = "";
        [CsvColumn("devices")] public int Devices { get; set; }
        [CsvColumn("layout")] public string Layout { get; set; } = "";
        [CsvColumn("fits")] public bool Fits { get; set; }
        [CsvColumn("step_time_s")] public double StepTimeSeconds { get; set; }
        [CsvColumn("tokens_per_s")] public double TokensPerSecond { get; set; }
        [CsvColumn("model_tflops_per_gpu")] public double ModelTflopsPerGpu { get; set; }
        [CsvColumn("hardware_tflops_per_gpu")] public double HardwareTflopsPerGpu { get; set; }
        [CsvColumn("mfu")] public double Mfu { get; set; }
        [CsvColumn("memory_per_gpu_bytes")] public double MemoryPerGpuBytes { get; set; }
        [CsvColumn("compute_s")] public double Compute { get; set; }
        [CsvColumn("recompute_s")] public double Recompute { get; set; }
        [CsvColumn("pipeline_bubble_s")] public double PipelineBubble { get; set; }
        [CsvColumn("tensor_parallel_comm_s")] public double TensorParallelComm { get; set; }
        [CsvColumn("context_parallel_comm_s")] public double ContextParallelComm { get; set; }
        [CsvColumn("data_parallel_comm_exposed_s")] public double DataParallelCommExposed { get; set; }
        [CsvColumn("pipeline_comm_s")] public double PipelineComm { get; set; }
        [CsvColumn("optimizer_step_s")] public double OptimizerStep { get; set; }
        [CsvColumn("data_wait_s")] public double DataWait { get; set; }
        [CsvColumn("checkpoint_interval_s")] public double CheckpointIntervalSeconds { get; set; }
        [CsvColumn("goodput")] public double Goodput { get; set; }
        [CsvColumn("time_to_train_s")] public double TimeToTrainSeconds { get; set; }
        [CsvColumn("cost_dollars")] public double? CostDollars { get; set; }
        [CsvColumn("engine")] public string Engine { get; set; } = "";
        [CsvColumn("framework")] public string Framework { get; set; } = "";
        [CsvColumn("expert_parallel_comm_s")] public double ExpertParallelComm { get; set; }
        /// <summary>What the layout changes in the scenario's training recipe ("precision=fp8 optimizer=sgd"); empty when it keeps it.</summary>
        [CsvColumn("recipe_changes")] public string RecipeChanges { get; set; } = "";
        /// <summary>The first rank of the near-tie group the layout belongs to.</summary>
        [CsvColumn("tie_group")] public int TieGroup { get; set; }
        /// <summary>Accuracy band of the times and the cost, as factors; empty when no comparable published run exists.</summary>
        [CsvColumn("band_low")] public double? BandLow { get; set; }
        [CsvColumn("band_high")] public double? BandHigh { get; set; }
        [CsvColumn("band_runs")] public int BandRuns { get; set; }
    }

    public static IEnumerable<Row> Rows(PlanResult plan) => plan.Top.Select(x =>
    {
        var r = x.Result;
        var band = x.Band is { Exists: true } b ? b : null;
        return new Row
        {
            RecipeChanges = string.Join(' ', plan.Recipe.Changes(r.Layout)),
            TieGroup = plan.GroupOf(x.Rank)?.FirstRank ?? x.Rank,
            BandLow = band?.Low, BandHigh = band?.High, BandRuns = band?.Runs.Count ?? 0,
            Rank = x.Rank, Accelerator = x.Cluster.Accelerator.Key, Devices = x.Cluster.Devices, Layout = r.Layout.ToString(), Fits = r.Fits, Framework = r.Framework.Key(),
            StepTimeSeconds = r.StepTimeSeconds, TokensPerSecond = r.TokensPerSecond, ModelTflopsPerGpu = r.ModelTflopsPerGpu,
            HardwareTflopsPerGpu = r.HardwareTflopsPerGpu, Mfu = r.Mfu, MemoryPerGpuBytes = r.MemoryPerGpuBytes,
            Compute = r.Time.Compute, Recompute = r.Time.Recompute, PipelineBubble = r.Time.PipelineBubble,
            TensorParallelComm = r.Time.TensorParallelComm, ContextParallelComm = r.Time.ContextParallelComm, ExpertParallelComm = r.Time.ExpertParallelComm,
            DataParallelCommExposed = r.Time.DataParallelCommExposed, PipelineComm = r.Time.PipelineComm, OptimizerStep = r.Time.OptimizerStep,
            DataWait = r.Time.DataWait, CheckpointIntervalSeconds = r.CheckpointIntervalSeconds, Goodput = r.Goodput,
            TimeToTrainSeconds = r.TimeToTrainSeconds, CostDollars = r.CostDollars, Engine = x.Timeline is null ? "closed-form" : "timeline",
        };
    });

    public static void Write(PlanResult plan, Stream destination)
    {
        using var writer = CsvWriter.Create(destination, null, leaveOpen: true);
        writer.WriteRecords(Rows(plan));
    }
}
