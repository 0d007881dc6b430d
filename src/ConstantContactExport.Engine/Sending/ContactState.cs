using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Sending;

/// <summary>What GET /contacts says of one contact: the lists it is on and when it last changed (the server's clock).</summary>
public sealed record ContactState(IReadOnlyCollection<string> ListIds, DateTimeOffset? UpdatedAt);
