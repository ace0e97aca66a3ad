using ScalePlanner.Simulator.Hardware;

namespace ScalePlanner.Reports;

/// <summary>Where each cluster option's price comes from: the catalog's one dated basis, the scenario's own figure, or none.</summary>
public static class PriceText
{
    /// <summary>Each accelerator's price per device-hour and its source; then, when any price is the catalog's, its basis and date.</summary>
    public static IEnumerable<string> Lines(IEnumerable<ClusterSpec> clusters)
    {
        var prices = clusters.Select(c => (c.Accelerator, c.PricePerDeviceHour)).Distinct().ToList();
        var parts = prices.Select(p => p.PricePerDeviceHour <= 0 ? $"{p.Accelerator.Key} no price (costs in device-hours)"
            : p.PricePerDeviceHour == p.Accelerator.PricePerHour ? $"{p.Accelerator.Key} ${p.PricePerDeviceHour:0.00##}/h (catalog: {CatalogSource(p.Accelerator)})"
            : $"{p.Accelerator.Key} ${p.PricePerDeviceHour:0.00##}/h (the scenario's)");
        bool catalog = prices.Any(p => p.PricePerDeviceHour > 0 && p.PricePerDeviceHour == p.Accelerator.PricePerHour);
        yield return "prices per device-hour: " + string.Join("; ", parts);
        if (catalog) yield return $"catalog price basis ({AcceleratorCatalog.PriceDate}): {AcceleratorCatalog.PriceBasis}";
    }

    /// <summary>The price part of the accelerator's source ("AWS p5.48xlarge $55.04/h ÷ 8").</summary>
    public static string CatalogSource(AcceleratorSpec accelerator)
    {
        int at = accelerator.Source.IndexOf("price: ", StringComparison.Ordinal);
        return at < 0 ? "catalog" : accelerator.Source[(at + "price: ".Length)..];
    }
}
