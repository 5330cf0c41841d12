// The platform-free parts every simulator is built from.
export { controlBody } from './control-body.ts';
export { registerKitControls, type KitControls } from './control-routes.ts';
export { applyFaults, uploadOf } from './fault-gate.ts';
export { FaultController, FaultPatch, FaultPatchShape, FaultRule, RandomFaults, type FaultSnapshot, type FaultWording } from './faults.ts';
export { LOOPED_NEXT_PAGE, loopedOffset, loopedPageNumber, loopedToken } from './page-loop.ts';
export { listen, trackSockets, type Listening } from './http.ts';
export { RateWindows, type RateCharge, type RateWindowDef, type RateWindowsDecision } from './rate-windows.ts';
export { logRequest, splitUrl, summariseLog, type RequestLogEntry } from './request-log.ts';
export { KitRouter, type KitMatch, type KitRoute } from './router.ts';
export { checkShape, jsonType, type ShapeCheckOptions, type StringFormatRule } from './shape.ts';
