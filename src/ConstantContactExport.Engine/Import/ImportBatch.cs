namespace ConstantContactExport.Engine.Import;

/// <summary>A finished import body.</summary>
/// <param name="Number">1-based, in the order the bodies were finished.</param>
/// <param name="ContactCount">Contacts in <c>import_data</c>.</param>
/// <param name="BodyBytes">UTF-8 bytes of the whole body.</param>
/// <param name="Lists">The body's <c>list_ids</c>: bit i is list i of the writer's lists (the run's); 0 when not said (every list).</param>
public sealed record ImportBatch(int Number, int ContactCount, long BodyBytes, ulong Lists = 0);
