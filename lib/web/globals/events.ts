/** Installs Event, CustomEvent and EventTarget where missing (the build links this when a service names one). */
import { installGlobal } from "../../http/install-global.ts";
import { CustomEvent, Event } from "../event.ts";
import { EventTarget } from "../event-target.ts";

installGlobal("Event", Event);
installGlobal("CustomEvent", CustomEvent);
installGlobal("EventTarget", EventTarget);
