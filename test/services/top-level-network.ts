// The network, awaited at the top level of the service.
import { network } from "toro/net";

const { address, gateway } = await network();
console.log(`address ${address} gateway ${gateway}`);
